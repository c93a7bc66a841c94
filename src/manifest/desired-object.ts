export type { DesiredObject, EntryRef } from '../plan/desired-object.js'
