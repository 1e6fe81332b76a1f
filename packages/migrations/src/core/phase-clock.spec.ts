import { describePhases, PhaseClock } from './phase-clock';

describe('PhaseClock', () => {
  it('gives each phase the time since the lap before it, adding up a phase lapped again, in the order phases first ran', () => {
    let now = 100;
    const clock = new PhaseClock(() => now);
    now = 350.4;
    clock.lap('read history');
    now = 1350;
    clock.lap('prove migrations');
    now = 1600;
    clock.lap('keep prefix');
    now = 2100;
    clock.lap('prove migrations');
    expect(clock.phases()).toEqual([
      { phase: 'read history', ms: 250 },
      { phase: 'prove migrations', ms: 1500 },
      { phase: 'keep prefix', ms: 250 },
    ]);
  });

  it('starts its first lap where it is told to (the start of the process)', () => {
    const clock = new PhaseClock(() => 900, 0);
    clock.lap('start-up');
    expect(clock.phases()).toEqual([{ phase: 'start-up', ms: 900 }]);
  });

  it('describes the phases in one line, in seconds', () => {
    expect(
      describePhases([
        { phase: 'read history', ms: 412 },
        { phase: 'start database', ms: 1949 },
      ]),
    ).toBe('read history 0.4 s · start database 1.9 s');
  });
});
