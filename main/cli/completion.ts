/** The commands and options `tokentray` completes; profile names come from `tokentray list --names`. */
const COMMANDS = ['list', 'status', 'token', 'exec', 'refresh', 'gateway', 'completion'];
const FORMATS = 'raw header query curl powershell json env';

const bash = `# tokentray completion for bash: source <(tokentray completion bash)
_tokentray() {
  local cur prev cmd
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  case "$prev" in
    --format) COMPREPLY=($(compgen -W "${FORMATS}" -- "$cur")); return ;;
    --shell) COMPREPLY=($(compgen -W "sh powershell" -- "$cur")); return ;;
    --data-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
  esac
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${COMMANDS.join(' ')} --help --version" -- "$cur")); return
  fi
  case "$cmd" in
    token|exec|refresh|gateway)
      if [[ $COMP_CWORD -eq 2 ]]; then
        local IFS=$'\\n'
        COMPREPLY=($(compgen -W "$(tokentray list --names 2>/dev/null)" -- "$cur"))
      elif [[ "$cmd" == token ]]; then
        COMPREPLY=($(compgen -W "--format --shell --help" -- "$cur"))
      fi ;;
    completion) COMPREPLY=($(compgen -W "bash zsh fish powershell" -- "$cur")) ;;
    list|status) COMPREPLY=($(compgen -W "--json --names --help" -- "$cur")) ;;
  esac
}
complete -F _tokentray tokentray
`;

const zsh = `#compdef tokentray
# tokentray completion for zsh: source <(tokentray completion zsh)
_tokentray() {
  local -a profiles
  if (( CURRENT == 2 )); then
    compadd -- ${COMMANDS.join(' ')} --help --version
  elif (( CURRENT == 3 )) && [[ \${words[2]} == (token|exec|refresh|gateway) ]]; then
    profiles=("\${(@f)$(tokentray list --names 2>/dev/null)}")
    compadd -a profiles
  elif [[ \${words[2]} == completion ]]; then
    compadd -- bash zsh fish powershell
  elif [[ \${words[CURRENT-1]} == --format ]]; then
    compadd -- ${FORMATS}
  elif [[ \${words[CURRENT-1]} == --shell ]]; then
    compadd -- sh powershell
  else
    compadd -- --format --shell --json --names --data-dir --help
  fi
}
compdef _tokentray tokentray
`;

const fish = `# tokentray completion for fish: tokentray completion fish | source
complete -c tokentray -f
complete -c tokentray -n __fish_use_subcommand -a '${COMMANDS.join(' ')}'
complete -c tokentray -n '__fish_seen_subcommand_from token exec refresh gateway' -a '(tokentray list --names 2>/dev/null)'
complete -c tokentray -n '__fish_seen_subcommand_from token' -l format -x -a '${FORMATS}'
complete -c tokentray -n '__fish_seen_subcommand_from token' -l shell -x -a 'sh powershell'
complete -c tokentray -n '__fish_seen_subcommand_from list status' -l json
complete -c tokentray -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish powershell'
complete -c tokentray -l data-dir -r -F
complete -c tokentray -s h -l help
complete -c tokentray -s v -l version
`;

const powershell = `# tokentray completion for PowerShell:
#   tokentray completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName tokentray -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
  $count = $words.Count
  if ($wordToComplete -ne '') { $count -= 1 }
  $candidates = switch ($count) {
    1 { @(${COMMANDS.map((c) => `'${c}'`).join(', ')}, '--help', '--version') }
    2 {
      if (@('token', 'exec', 'refresh', 'gateway') -contains $words[1]) { @(tokentray list --names 2>$null) }
      elseif ($words[1] -eq 'completion') { @('bash', 'zsh', 'fish', 'powershell') }
      else { @('--json', '--names', '--help') }
    }
    default { @('--format', '--shell', '--help') + @(${FORMATS.split(' ')
      .map((f) => `'${f}'`)
      .join(', ')}) }
  }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    $text = if ($_ -match '\\s') { "'" + ($_ -replace "'", "''") + "'" } else { $_ }
    [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
  }
}
`;

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

export const completionScript: Record<CompletionShell, string> = { bash, zsh, fish, powershell };
