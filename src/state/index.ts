export { STATE_FORMAT_VERSION, APPLIED_PLANS_KEPT, trustRecord, recordOfCopy, recordOfRemote, recordOfWrite, recordStands, recordedSource, rememberApplied } from './state-record.js'
export type { CompressedFrom, StateDocument, StateRecord, ListedFacts, WriteResult } from './state-record.js'
export { readState, updateState, listKeys, listWithin, knownObjects, type StateAccess, type LoadedState, type UpdateOptions } from './bucket-state.js'
