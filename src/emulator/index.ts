// agentbay-rx/emulator: a local AgentBay service for tests and offline development (issue 3).
// Named exports only (style §12); importing this module starts nothing.

// ---- start ---------------------------------------------------------------------------------------
export { startEmulator, type Emulator, type EmulatorTaskRecord, type CloseOptions } from './emulator.js'
export { runEmulatorFromCli, type EmulatorCliOptions, type EmulatorCliHandle } from './cli.js'
export { DataDirLockedError, LOCK_FILE_NAME } from './lock.js'

// ---- options -------------------------------------------------------------------------------------
export { EMULATOR_DEFAULTS, generateApiKey, type EmulatorOptions } from './options.js'

// ---- faults and stats ----------------------------------------------------------------------------
export { FAULT_KINDS, type FaultKind, type FaultRule, type FaultPlan, type FaultsInput } from './faults.js'
export { parseFaultSpec, FAULT_SPEC_HELP } from './fault-spec.js'
export type { EmulatorStats } from './stats.js'

// ---- contract ------------------------------------------------------------------------------------
export { EMULATOR_CODES, type EmulatorCode } from './errors.js'
export { FILE_TOOLS, type FileToolName } from './tools.js'
export { SHUTDOWN_MESSAGE } from './tasks.js'
