import { Command, Option } from 'commander'
import type { CommandContext, GlobalOptions } from './command-context.js'
import { commandContext } from './command-context.js'
import {
  contextClearCommand,
  contextCreateCommand,
  contextDeleteCommand,
  contextFilesCommand,
  contextGetCommand,
  contextListCommand,
  contextRenameCommand,
} from './commands/context.js'
import { demoCommand } from './commands/demo.js'
import { SDK_VERSION } from '../shared/version.js'
import { collectFault, emulatorCommand, type EmulatorCommandOptions } from './commands/emulator.js'
import { FAULT_SPEC_HELP } from '../emulator/fault-spec.js'
import { infoCommand } from './commands/info.js'
import { sessionCreateCommand, sessionDeleteCommand, sessionListCommand } from './commands/session.js'
import { syncCommand } from './commands/sync.js'
import type { CliIo } from './io.js'
import type { Output } from './output.js'
import { collectLabel, collectMount, nonNegativeInt, port, positiveInt, positiveNumber } from './parse.js'
import { SYNC_MODES } from '../wire/protocol.js'

/** What the command tree needs from `runCli`. */
export interface ProgramDeps {
  readonly io: CliIo
  readonly out: Output
  readonly signal: AbortSignal
}

/**
 * Commander's `requiredOption`, but checked just before the action, i.e. after Commander's
 * unknown-option check (its own required check runs first): so `sync --sesion s-1` names the
 * mistyped flag (with a suggestion) instead of reporting `--session` missing.
 */
const requiredOption = (command: Command, flags: string, description: string): Command => {
  const option = new Option(flags, description)
  return command.addOption(option).hook('preAction', (_hooked, actionCommand) => {
    if (actionCommand.getOptionValue(option.attributeName()) === undefined) {
      actionCommand.error(`error: required option '${option.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' })
    }
  })
}

const HELP_FOOTER = `
Environment:
  AGENTBAY_ENDPOINT, AGENTBAY_API_KEY   used when --endpoint / --api-key are not given
  NO_COLOR                              disable colours

Output:
  Progress bars only when stdout is a terminal; plain lines otherwise. --json prints exactly one
  JSON document on stdout (also on failure: { "ok": false, "error": … }); errors also go to stderr
  as one line (add --verbose for the stack).

Exit codes:
  0 success · 1 remote failure (API/HTTP/network error, a sync task Failed or out of time)
  2 usage error (unknown command or option, missing option, invalid value) · 130 Ctrl-C
  (info --watch and emulator run until Ctrl-C by design: there it ends them normally, exit 0)

Try it: agentbay-rx demo      (starts an in-process emulator; no account needed)
`

/**
 * The `agentbay-rx` command tree. Actions throw; `runCli` maps errors to exit codes. Global options
 * (`--endpoint`, `--api-key`, `--allow-insecure-http`, `--json`, `--verbose`) are accepted before or after the command.
 */
export function buildProgram({ io, out, signal }: ProgramDeps): Command {
  const program = new Command('agentbay-rx')
    .version(SDK_VERSION, '-V, --version', 'print the version')
    .description('Command-line client for AgentBay contexts, sessions and sync (and a local emulator).')
    .option('--endpoint <url>', 'service endpoint, host[:port] (https) or a full URL (env AGENTBAY_ENDPOINT)')
    .option('--api-key <key>', 'API key (env AGENTBAY_API_KEY)')
    .option('--allow-insecure-http', 'allow a plain http:// endpoint that is not loopback (the API key travels unencrypted)')
    .option('--json', 'print exactly one JSON document on stdout (no colours, no progress)')
    .option('--verbose', 'show stack traces of errors')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .addHelpText('after', HELP_FOOTER)

  // Every command (nested ones too) reports through runCli rather than exiting the process.
  const configure = (command: Command): Command =>
    command
      .exitOverride()
      .configureOutput({
        writeOut: (text) => void io.stdout.write(text),
        writeErr: (text) => void io.stderr.write(text),
        outputError: () => undefined, // runCli prints the one error line (and the --json document)
      })
  configure(program)

  /** Wraps a handler: builds its context from the global options. */
  const action =
    <A extends unknown[]>(handler: (ctx: CommandContext, ...args: A) => Promise<void>) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command
      const ctx = commandContext(io, out, command.optsWithGlobals<GlobalOptions>(), signal)
      await handler(ctx, ...(args.slice(0, -1) as A))
    }
  const sub = (parent: Command, nameAndArgs: string, description: string): Command =>
    configure(parent.command(nameAndArgs).description(description))

  // ---- demo and emulator -----------------------------------------------------------------------

  sub(program, 'demo', 'run the persistence story against an in-process emulator (what `npm start` runs)')
    .addOption(new Option('--size-mib <n>', 'size of the large file, MiB').argParser(positiveInt).default(4))
    .action(action((ctx, opts: { sizeMib: number }) => demoCommand(ctx, { sizeMiB: opts.sizeMib })))

  sub(program, 'emulator', 'run the local AgentBay emulator until Ctrl-C, which shuts it down (exit 0; use the global --api-key to fix its key)')
    .addOption(new Option('--port <port>', 'TCP port; 0 picks a free one').argParser(port))
    .option('--host <host>', 'interface to bind (default 127.0.0.1)')
    .option('--data-dir <dir>', 'where the emulator keeps its state (default ./.agentbay-emulator)')
    .addOption(new Option('--task-delay <ms>', 'how long a sync task stays Pending, and again Running').argParser(nonNegativeInt))
    .addOption(new Option('--bytes-per-second <n>', 'throttle sync tasks to this many bytes per second').argParser(nonNegativeInt))
    .addOption(
      new Option('--fault <rule>', 'inject faults, repeatable: KIND[@ACTION][:RATE][,OPTION=VALUE]... (see below)').argParser(collectFault),
    )
    .addOption(new Option('--fault-seed <n>', 'seed for fault rates, to replay a run').argParser(nonNegativeInt))
    .addHelpText('after', FAULT_SPEC_HELP)
    .action(
      action((ctx, opts: EmulatorCommandOptions) =>
        emulatorCommand(ctx, opts),
      ),
    )

  // ---- sync and info ---------------------------------------------------------------------------

  requiredOption(sub(program, 'sync', "sync a session's mounted contexts, with live per-task progress; exit 1 if a task fails"), '--session <id>', 'session id')
    .option('--context <id>', 'only this context (with --path)')
    .option('--path <path>', 'mount path of --context')
    .addOption(new Option('--mode <mode>', 'direction').choices(SYNC_MODES))
    .addOption(new Option('--timeout <seconds>', 'give up waiting after this long (exit 1)').argParser(positiveNumber))
    .action(action((ctx, opts: Parameters<typeof syncCommand>[1]) => syncCommand(ctx, opts)))

  requiredOption(sub(program, 'info', "show a session's sync tasks; --watch re-polls and prints changes until Ctrl-C (exit 0)"), '--session <id>', 'session id')
    .option('--context <id>', 'only this context (with --path)')
    .option('--path <path>', 'mount path of --context')
    .addOption(new Option('--task-type <type>', 'only upload or download tasks').choices(SYNC_MODES))
    .option('--watch', 're-poll and print each task change until Ctrl-C, which ends it normally (exit 0)')
    .addOption(new Option('--interval <ms>', 'delay between polls with --watch').argParser(positiveInt).default(1000))
    .option('--until-done', 'with --watch: stop once every task is Success or Failed')
    .action(action((ctx, opts: Parameters<typeof infoCommand>[1]) => infoCommand(ctx, opts)))

  // ---- context ---------------------------------------------------------------------------------

  const context = sub(program, 'context', 'manage contexts (persistent storage mounted into sessions)')
  sub(context, 'list', 'list contexts')
    .option('--session <id>', 'only the contexts mounted in this session')
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInt).default(100))
    .action(action((ctx, opts: { session?: string; limit: number }) => contextListCommand(ctx, opts)))
  sub(context, 'get', 'show a context, by name or --id')
    .argument('[name]', 'context name')
    .option('--id <id>', 'look up by id instead of name')
    .option('--create', 'create it when no context has this name')
    .action(action((ctx, name: string | undefined, opts: { id?: string; create?: boolean }) => contextGetCommand(ctx, name, opts)))
  sub(context, 'create', 'create a context (or get the existing one with that name)')
    .argument('<name>', 'context name')
    .action(action((ctx, name: string) => contextCreateCommand(ctx, name)))
  sub(context, 'rename', 'rename a context')
    .argument('<id>', 'context id')
    .argument('<name>', 'new name')
    .action(action((ctx, id: string, name: string) => contextRenameCommand(ctx, id, name)))
  sub(context, 'delete', 'delete a context and its stored data')
    .argument('<id>', 'context id')
    .action(action((ctx, id: string) => contextDeleteCommand(ctx, id)))
  sub(context, 'files', "list files in a context's storage")
    .argument('<id>', 'context id')
    .argument('[folder]', 'folder inside the context', '/')
    .addOption(new Option('--page <n>', 'page number').argParser(positiveInt).default(1))
    .addOption(new Option('--page-size <n>', 'entries per page').argParser(positiveInt).default(50))
    .action(action((ctx, id: string, folder: string, opts: { page: number; pageSize: number }) => contextFilesCommand(ctx, id, folder, opts)))
  sub(context, 'clear', "wipe a context's data and wait until it is available again")
    .argument('<id>', 'context id')
    .addOption(new Option('--timeout <seconds>', 'give up after this long').argParser(positiveNumber).default(60))
    .action(action((ctx, id: string, opts: { timeout: number }) => contextClearCommand(ctx, id, opts)))

  // ---- session ---------------------------------------------------------------------------------

  const session = sub(program, 'session', 'create, list and delete sessions')
  sub(session, 'create', 'create a session; with --mount, wait for the mounted contexts to download')
    .addOption(new Option('--mount <contextId:path>', 'mount a context (repeatable)').argParser(collectMount))
    .option('--image <id>', 'image id, e.g. linux_latest')
    .addOption(new Option('--label <key=value>', 'label (repeatable)').argParser(collectLabel))
    .action(action((ctx, opts: Parameters<typeof sessionCreateCommand>[1]) => sessionCreateCommand(ctx, opts)))
  sub(session, 'list', 'list sessions')
    .addOption(new Option('--label <key=value>', 'only sessions with this label (repeatable)').argParser(collectLabel))
    .option('--status <status>', 'only sessions in this status, e.g. RUNNING')
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInt).default(100))
    .action(action((ctx, opts: Parameters<typeof sessionListCommand>[1]) => sessionListCommand(ctx, opts)))
  sub(session, 'delete', 'delete a session')
    .argument('<id>', 'session id')
    .option('--sync', 'upload the mounted contexts first (the session is kept if that fails)')
    .option('--force', 'with --sync: delete even if the upload failed')
    .action(action((ctx, id: string, opts: { sync?: boolean; force?: boolean }) => sessionDeleteCommand(ctx, id, opts)))

  return program
}
