/** A phase of a run and the time spent in it, in milliseconds. */
export interface PhaseTime {
  phase: string;
  ms: number;
}

/**
 * Where a run's time went: each lap adds the time since the one before it to its phase (a phase
 * lapped more than once, as the proof around keeping a prefix, adds up), in the order the phases
 * first ran.
 */
export class PhaseClock {
  private readonly totals = new Map<string, number>();
  private last: number;

  /** `since`: where the first lap starts (0, with the default clock, is the start of the process). */
  constructor(
    private readonly now: () => number = () => performance.now(),
    since = now(),
  ) {
    this.last = since;
  }

  lap(phase: string): void {
    const now = this.now();
    this.totals.set(phase, (this.totals.get(phase) ?? 0) + now - this.last);
    this.last = now;
  }

  phases(): PhaseTime[] {
    return [...this.totals].map(([phase, ms]) => ({ phase, ms: Math.round(ms) }));
  }
}

/** `read history 0.4 s · start database 1.9 s`: one line of a run's phases. */
export function describePhases(phases: readonly PhaseTime[]): string {
  return phases.map(({ phase, ms }) => `${phase} ${(ms / 1000).toFixed(1)} s`).join(' · ');
}
