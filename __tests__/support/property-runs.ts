/**
 * How many cases a property test tries: `numRuns`, unless CEKURA_PROPERTY_RUNS caps it. npm run mutate
 * sets the cap: a property test covers most mutants of the module it checks, so under mutation testing
 * it runs once per mutant, and at full strength it would take most of the run's time. A mutant that
 * changes behaviour almost always fails within the first cases; the unit tests beside it pin the edges.
 */
export function runs(numRuns: number): { numRuns: number } {
  const cap = Number(process.env.CEKURA_PROPERTY_RUNS)
  return { numRuns: Number.isInteger(cap) && cap > 0 ? Math.min(numRuns, cap) : numRuns }
}
