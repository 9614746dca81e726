import { describe, expect, it } from 'vitest';
import { codes, valid } from '../../../test/helpers/scenarios.js';
import { MAX_REPEATS } from './validate.js';

describe("a sweep's repeats and objective", () => {
  it('stay absent when not given, so a run and its resolved scenario are as before', () => {
    const s = valid({ sweep: { 'auction.tmaxMs': [50, 100] } });
    expect('repeats' in s).toBe(false);
    expect('objective' in s).toBe(false);
  });

  it('are read when given, the objective with its defaults filled', () => {
    const s = valid({ repeats: 5, objective: { costPerBidderCall: 0.0001 } });
    expect(s.repeats).toBe(5);
    expect(s.objective).toEqual({ tolerance: 0.01, costPerBidderCall: 0.0001, costPerMsWaited: 0 });
  });

  it('name the field and its bound when wrong', () => {
    expect(codes({ repeats: 0 })).toEqual([{ path: 'repeats', code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(codes({ repeats: MAX_REPEATS + 1 })).toEqual([{ path: 'repeats', code: 'SCN_ERR_OUT_OF_RANGE' }]);
    expect(codes({ repeats: 2.5 })).toEqual([{ path: 'repeats', code: 'SCN_ERR_NOT_AN_INTEGER' }]);
    expect(codes({ repeats: '3' })).toEqual([{ path: 'repeats', code: 'SCN_ERR_NOT_A_NUMBER' }]);
    expect(codes({ objective: 0.01 })).toEqual([{ path: 'objective', code: 'SCN_ERR_WRONG_TYPE' }]);
    expect(codes({ objective: { tolerance: 0.6 } })).toEqual([
      { path: 'objective.tolerance', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ objective: { costPerBidderCall: -1, costPerMsWaited: 'x' } })).toEqual([
      { path: 'objective.costPerBidderCall', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'objective.costPerMsWaited', code: 'SCN_ERR_NOT_A_NUMBER' },
    ]);
    expect(codes({ objective: { tolerence: 0.02 } })).toEqual([
      { path: 'objective.tolerence', code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
  });

  it('cannot be swept: they apply to the whole sweep', () => {
    expect(codes({ repeats: 2, sweep: { repeats: [1, 2] } })).toEqual([
      { path: 'sweep["repeats"]', code: 'SCN_ERR_BAD_PATH' },
    ]);
    expect(codes({ objective: {}, sweep: { 'objective.tolerance': [0, 0.1] } })).toEqual([
      { path: 'sweep["objective.tolerance"]', code: 'SCN_ERR_BAD_PATH' },
    ]);
  });
});
