/**
 * Input is plain data: objects made by `{}` or JSON, arrays and primitives. A Date, Map or Error
 * would pass a shape check as an empty object, and an own `__proto__` key (JSON.parse makes one)
 * would be dropped silently by it. Returns where the first thing that is not plain data sits: the
 * top-level key it is under, '' for the value itself; undefined when all is plain.
 */
export function impurePath(value: unknown, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > 16) return '';
  const prototype = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    return value.some((item) => impurePath(item, depth + 1) !== undefined) ? '' : undefined;
  }
  if (prototype !== Object.prototype && prototype !== null) return '';
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== 'string' || key === '__proto__') return '';
    const inner = impurePath((value as Record<string, unknown>)[key], depth + 1);
    if (inner !== undefined) return depth === 0 ? key : '';
  }
  return undefined;
}
