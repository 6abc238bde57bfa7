import { COMMAND_OPTIONS, GLOBAL_OPTIONS, GLOBAL_VALUE_OPTIONS, OPTION_VALUES, PROFILE_COMMANDS } from './commands.ts';

/**
 * Completion scripts for `tokentray`, generated from the same table the parser checks arguments
 * against (commands.ts): each command is offered only the options it takes. Global options may
 * come before the command (`tokentray --url X token <TAB>`), and profile names are listed with
 * them (`tokentray --url X list --names`), so completion works against a server too.
 */
const COMMANDS = Object.keys(COMMAND_OPTIONS);
const SHELLS = ['bash', 'zsh', 'fish', 'powershell'];
const flag = (name: string) => `--${name}`;
const globalFlags = GLOBAL_OPTIONS.map(flag).join(' ');
const valueFlags = GLOBAL_VALUE_OPTIONS.map(flag);
const commandFlags = (command: string) => [...(COMMAND_OPTIONS[command] ?? []).map(flag), '--help'].join(' ');
const valued = Object.entries(OPTION_VALUES) as [string, readonly string[]][];

/**
 * bash and zsh alike: walks the words before the cursor, collecting the global options with their
 * values (passed on to `tokentray list --names`), the command, and how many arguments follow it.
 */
const walkWords = (first: string, end: string) => `  for (( i = ${first}; i < ${end}; i++ )); do
    w="\${words[i]}"
    case "$w" in
      ${valueFlags.join('|')}) globals+=("$w" "\${words[i+1]}"); (( i++ )); continue ;;
      ${valueFlags.map((f) => `${f}=*`).join('|')}) globals+=("$w"); continue ;;
      -*) continue ;;
    esac
    if [[ -z "$cmd" ]]; then cmd="$w"; else (( pos++ )); fi
  done
`;

const bash = `# tokentray completion for bash: source <(tokentray completion bash)
_tokentray() {
  # Words from the line itself: bash would split a URL's ':' into words of its own.
  local line="\${COMP_LINE:0:COMP_POINT}" cur="" prev="" cmd="" pos=0 i w
  local -a words globals
  read -ra words <<< "$line"
  [[ "$line" == *" " ]] && words+=("")
  cur="\${words[-1]}"
  (( \${#words[@]} > 1 )) && prev="\${words[-2]}"
${walkWords('1', `\${#words[@]} - 1`)}  COMPREPLY=()
  case "$prev" in
${valued.map(([name, values]) => `    --${name}) COMPREPLY=($(compgen -W "${values.join(' ')}" -- "$cur")); return ;;`).join('\n')}
    --data-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --secret-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --url) return ;;
  esac
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "${COMMANDS.join(' ')} ${globalFlags}" -- "$cur")); return
  fi
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${COMMANDS.map((command) => `      ${command}) COMPREPLY=($(compgen -W "${commandFlags(command)}" -- "$cur")) ;;`).join('\n')}
    esac
    return
  fi
  (( pos == 0 )) || return
  case "$cmd" in
    ${PROFILE_COMMANDS.join('|')})
      local IFS=$'\\n'
      COMPREPLY=($(compgen -W "$(tokentray "\${globals[@]}" list --names 2>/dev/null)" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "${SHELLS.join(' ')}" -- "$cur")) ;;
  esac
}
complete -F _tokentray tokentray
`;

const zsh = `#compdef tokentray
# tokentray completion for zsh: source <(tokentray completion zsh)
_tokentray() {
  local cmd="" pos=0 i w prev="\${words[CURRENT-1]}"
  local -a globals profiles
${walkWords('2', 'CURRENT')}  case "$prev" in
${valued.map(([name, values]) => `    --${name}) compadd -- ${values.join(' ')}; return ;;`).join('\n')}
    --data-dir) _files -/; return ;;
    --secret-file) _files; return ;;
    --url) return ;;
  esac
  if [[ -z "$cmd" ]]; then
    compadd -- ${COMMANDS.join(' ')} ${globalFlags}; return
  fi
  if [[ "\${words[CURRENT]}" == -* ]]; then
    case "$cmd" in
${COMMANDS.map((command) => `      ${command}) compadd -- ${commandFlags(command)} ;;`).join('\n')}
    esac
    return
  fi
  (( pos == 0 )) || return
  case "$cmd" in
    ${PROFILE_COMMANDS.join('|')})
      profiles=("\${(@f)$(tokentray "\${globals[@]}" list --names 2>/dev/null)}")
      compadd -a profiles ;;
    completion) compadd -- ${SHELLS.join(' ')} ;;
  esac
}
compdef _tokentray tokentray
`;

const fish = `# tokentray completion for fish: tokentray completion fish | source
# The command and the global options before it, from the words typed so far.
function __tokentray_parse
  set -l tokens (commandline -opc)
  set -e tokens[1]
  set -g __tokentray_cmd ''
  set -g __tokentray_globals
  set -g __tokentray_pos 0
  while set -q tokens[1]
    switch $tokens[1]
      case ${valueFlags.join(' ')}
        set -a __tokentray_globals $tokens[1] $tokens[2]
        set -e tokens[1]
      case ${valueFlags.map((f) => `'${f}=*'`).join(' ')}
        set -a __tokentray_globals $tokens[1]
      case '-*'
      case '*'
        if test -z "$__tokentray_cmd"
          set -g __tokentray_cmd $tokens[1]
        else
          set -g __tokentray_pos (math $__tokentray_pos + 1)
        end
    end
    set -e tokens[1]
  end
end
function __tokentray_needs_command
  __tokentray_parse
  test -z "$__tokentray_cmd"
end
function __tokentray_first_argument_of
  __tokentray_parse
  contains -- "$__tokentray_cmd" $argv; and test $__tokentray_pos -eq 0
end
function __tokentray_command_is
  __tokentray_parse
  contains -- "$__tokentray_cmd" $argv
end
function __tokentray_profiles
  __tokentray_parse
  tokentray $__tokentray_globals list --names 2>/dev/null
end
complete -c tokentray -f
complete -c tokentray -n __tokentray_needs_command -a '${COMMANDS.join(' ')}'
complete -c tokentray -n '__tokentray_first_argument_of ${PROFILE_COMMANDS.join(' ')}' -a '(__tokentray_profiles)'
complete -c tokentray -n '__tokentray_first_argument_of completion' -a '${SHELLS.join(' ')}'
${COMMANDS.flatMap((command) =>
  (COMMAND_OPTIONS[command] ?? []).map((name) => {
    const values = OPTION_VALUES[name];
    return `complete -c tokentray -n '__tokentray_command_is ${command}' -l ${name}${values ? ` -x -a '${values.join(' ')}'` : ''}`;
  }),
).join('\n')}
complete -c tokentray -l data-dir -x -a '(__fish_complete_directories)'
complete -c tokentray -l url -x
complete -c tokentray -l secret-file -r -F
complete -c tokentray -s h -l help
complete -c tokentray -s v -l version
`;

const powershell = `# tokentray completion for PowerShell:
#   tokentray completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName tokentray -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '') { $words = $words[0..($words.Count - 2)] }
  $globals = @(); $cmd = $null; $pos = 0
  for ($i = 1; $i -lt $words.Count; $i++) {
    if (@(${valueFlags.map((f) => `'${f}'`).join(', ')}) -contains $words[$i]) { $globals += $words[$i], $words[$i + 1]; $i++ }
    elseif ($words[$i] -like '-*') { }
    elseif ($null -eq $cmd) { $cmd = $words[$i] }
    else { $pos++ }
  }
  $prev = $words[-1]
  $candidates = if (${valued.map(([name]) => `$prev -eq '--${name}'`).join(' -or ')}) {
    switch ($prev) {
${valued.map(([name, values]) => `      '--${name}' { @(${values.map((v) => `'${v}'`).join(', ')}) }`).join('\n')}
    }
  } elseif ($null -eq $cmd) { @(${[...COMMANDS, ...GLOBAL_OPTIONS.map(flag)].map((c) => `'${c}'`).join(', ')}) }
  elseif ($wordToComplete -like '-*') {
    switch ($cmd) {
${COMMANDS.map(
  (command) =>
    `      '${command}' { @(${commandFlags(command)
      .split(' ')
      .map((f) => `'${f}'`)
      .join(', ')}) }`,
).join('\n')}
    }
  } elseif ($pos -eq 0 -and @(${PROFILE_COMMANDS.map((c) => `'${c}'`).join(', ')}) -contains $cmd) { @(tokentray @globals list --names 2>$null) }
  elseif ($pos -eq 0 -and $cmd -eq 'completion') { @(${SHELLS.map((s) => `'${s}'`).join(', ')}) }
  else { @() }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    $text = if ($_ -match '\\s') { "'" + ($_ -replace "'", "''") + "'" } else { $_ }
    [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
  }
}
`;

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

export const completionScript: Record<CompletionShell, string> = { bash, zsh, fish, powershell };
