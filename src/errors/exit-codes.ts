/** Terraform's exit codes: scripts depend on them. */
export enum ExitCode {
  Ok = 0,
  Error = 1,
  /** Only with `plan --detailed-exitcode`: the plan has changes. */
  Changes = 2,
}
