import type { ApplyReport } from '../apply/index.js'
import type { InvalidationReport } from '../workflow/invalidate-cdn.js'
import { FORMAT_VERSION } from './error-json.js'

/** The apply report document; shape in `schema/report.schema.json`. */
export function renderReportJson(bucket: string, report: ApplyReport, invalidation?: InvalidationReport): string {
  const document = {
    formatVersion: FORMAT_VERSION,
    bucket,
    summary: report.summary,
    bytesUploaded: report.bytesUploaded,
    interrupted: report.interrupted,
    orphanedUploads: report.orphanedUploads,
    items: report.items,
    ...(invalidation === undefined ? {} : { invalidation }),
  }
  return JSON.stringify(document, null, 2)
}
