// Types for release.mjs (plain JavaScript so that the release workflow runs it without a build).

export class ReleaseError extends Error {}

export interface ReleaseTag {
  /** as given, e.g. v1.2.3 */
  tag: string
  /** without the v, e.g. 1.2.3 */
  version: string
  major: number
  minor: number
  patch: number
  /** e.g. v1 */
  majorTag: string
}

export function parseReleaseTag(tag: string): ReleaseTag
export function compareReleases(a: ReleaseTag, b: ReleaseTag): number
export function checkPackageVersion(tag: string, packageVersion: unknown): void
export function changelogSection(changelog: string, version: string): string
export function releaseTags(cwd: string): ReleaseTag[]
export function checkRelease(
  cwd: string,
  tag: string
): { version: string; majorTag: string; latest: boolean; notes: string }
export function moveMajorTag(
  cwd: string,
  tag: string,
  remote?: string
): { moved: boolean; majorTag: string; commit: string; message: string }
export function main(argv: string[], cwd?: string): void
