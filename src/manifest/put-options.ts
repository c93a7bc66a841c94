// The option types belong to the plan's vocabulary; the manifest produces them.
export * from '../plan/put-options.js'
