/**
 * Jest wiring for tests that run against the Finance SDK stand-in: builds it
 * once per test file, and after every test closes what the test tracked,
 * then fails the test if any SDK handle or SDK-owned buffer is still alive.
 * Usage:
 *   const standin = useFinanceStandin();
 *   beforeEach(() => standin.control.load({ corps: { ww1: { secret, chatdata } } }));
 *   it('…', async () => { const sdk = standin.track(new FinanceSdk(loadFinanceSdk(standin.libraryPath))); … });
 */
import { buildStandin } from './build-standin';
import { openStandinControl, type StandinControl } from './standin-control';

/** Something that releases its stand-in resources when closed (a FinanceSdk, a registry adapter…). */
export interface Closable {
  close(): Promise<void>;
}

/** The stand-in of one test file. */
export interface FinanceStandin {
  /** The compiled libWeWorkFinanceSdk_C.so (valid from beforeAll on). */
  readonly libraryPath: string;
  readonly control: StandinControl;
  /** Close `resource` after the test, before the leak check. */
  track<T extends Closable>(resource: T): T;
}

/** Register the stand-in's beforeAll/afterEach/afterAll hooks in the calling test file. */
export function useFinanceStandin(): FinanceStandin {
  let libraryPath: string | undefined;
  let control: StandinControl | undefined;
  let tracked: Closable[] = [];
  let liveBefore = 0;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the Finance SDK stand-in is used before beforeAll ran');
    return value;
  };

  beforeAll(() => {
    libraryPath = buildStandin();
    control = openStandinControl(libraryPath);
    control.resetModes();
    control.resetCalls();
  });

  beforeEach(() => {
    liveBefore = ready(control).liveAllocations() + ready(control).liveSdks();
  });

  afterEach(async () => {
    const closing = tracked;
    tracked = [];
    await Promise.all(closing.map((resource) => resource.close()));
    const standin = ready(control);
    standin.resetModes();
    standin.resetCalls();
    const live = { allocations: standin.liveAllocations(), sdks: standin.liveSdks() };
    // Only the test that raised the count fails; those after it start from the leaked baseline.
    if (live.allocations + live.sdks > liveBefore) {
      throw new Error(`the test leaked Finance SDK memory: ${live.allocations} live allocations, ${live.sdks} live SDK handles (not back to zero)`);
    }
  });

  afterAll(() => control?.unload());

  return {
    get libraryPath() {
      return ready(libraryPath);
    },
    get control() {
      return ready(control);
    },
    track: (resource) => {
      tracked.push(resource);
      return resource;
    },
  };
}
