import type { ApplyReport } from '../apply/index.js'
import { FORMAT_VERSION } from './error-json.js'

/** The apply report document; shape in `schema/report.schema.json`. */
export function renderReportJson(bucket: string, report: ApplyReport): string {
  const document = {
    formatVersion: FORMAT_VERSION,
    bucket,
    summary: report.summary,
    bytesUploaded: report.bytesUploaded,
    interrupted: report.interrupted,
    orphanedUploads: report.orphanedUploads,
    items: report.items,
  }
  return JSON.stringify(document, null, 2)
}
