// What may differ between two runs of one sweep: the times. Blanked, two virtual sweeps' reports
// (or a sharded sweep merged and the sweep run whole) are the same text.

/** The files a whole sweep writes. */
export const SWEEP_REPORTS = ['sweep.json', 'sweep.md', 'sweep.html', 'scenario.resolved.json'] as const;

/** A report with its timestamps and wall times blanked: what may differ between two runs of a sweep. */
export function withoutTimes(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'T')
    .replace(/"wallSec": [\d.]+/g, '"wallSec": W')
    .replace(/, [\d.,]+ s wall time\./g, ', W s wall time.')
    .replace(/ · [\d.,]+ s<\/div>/g, ' · W s</div>');
}
