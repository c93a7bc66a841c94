import { toPlanDocument, type PlanWithOrigin } from '../plan/index.js'

/**
 * The machine view and the saved plan: the same document, so `show plan.json` and
 * `plan --format json` agree. Shape in `schema/plan.schema.json`; secrets are redacted
 * by `toPlanDocument`.
 */
export function renderPlanJson(plan: PlanWithOrigin): string {
  return JSON.stringify(toPlanDocument(plan), null, 2)
}
