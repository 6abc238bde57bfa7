/** The next animation frame (before it is painted). */
export const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/**
 * A task after the next frame is painted: where the window draws what the first screen does not
 * show. A hidden window has no frames; it goes on after 100 ms.
 */
export const afterPaint = () =>
  new Promise<void>((resolve) => {
    const go = () => setTimeout(resolve);
    const fallback = setTimeout(go, 100);
    requestAnimationFrame(() => {
      clearTimeout(fallback);
      go();
    });
  });
