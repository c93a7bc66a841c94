export { executePlan, DEFAULT_PARTS_PER_OBJECT } from './execute-plan.js'
export { OUTCOMES } from './apply-types.js'
export type { ApplyEvent, ApplyReport, ApplySummary, ExecuteOptions, ObjectOutcome, Outcome, StartedUpload } from './apply-types.js'
export { classifyFailure, conflictReason, outcomeAfterPrecondition, outcomeIfLanded, outcomeOfWrite, summariseOutcomes, type FailureMeaning } from './outcomes.js'
