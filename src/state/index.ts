export { STATE_FORMAT_VERSION, trustRecord, recordOfRemote, recordOfWrite, recordStands } from './state-record.js'
export type { StateDocument, StateRecord, ListedFacts, WriteResult } from './state-record.js'
export { readState, updateState, listKeys, knownObjects, type StateAccess, type LoadedState, type UpdateOptions } from './bucket-state.js'
export { listWanted } from './list-wanted.js'
