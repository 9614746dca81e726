// A group's `hosts`: its leaves served by bidder hosts on other machines, listed or as a Kubernetes
// headless Service's StatefulSet pods, dealt out over them in turn.
import { describe, expect, it } from 'vitest';
import { expandLeaves, hostUrls } from './bidder-groups.js';
import { LIMITS } from './limits.js';
import { codes, valid } from '../../../test/helpers/scenarios.js';

const hostOf = (raw: unknown): Array<[string, string | undefined]> =>
  expandLeaves(valid(raw)).map((l) => (l.kind === 'local' ? [l.config.name, l.host] : [l.name, undefined]));

describe('hosts', () => {
  it('deals a group’s leaves over its listed hosts in turn, and leaves other groups to the run’s own host', () => {
    const raw = {
      bidders: [
        { name: 'dsp', count: 5, hosts: ['ws://10.200.0.2:9100', 'ws://10.200.0.6:9100/'] },
        { name: 'here', count: 1 },
      ],
    };
    expect(hostOf(raw)).toEqual([
      ['dsp-1', 'ws://10.200.0.2:9100'],
      ['dsp-2', 'ws://10.200.0.6:9100'],
      ['dsp-3', 'ws://10.200.0.2:9100'],
      ['dsp-4', 'ws://10.200.0.6:9100'],
      ['dsp-5', 'ws://10.200.0.2:9100'],
      ['here-1', undefined],
    ]);
    // The scenario keeps what was written: a resolved scenario reads back the same.
    expect(valid(raw).bidders[0]).toMatchObject({ hosts: ['ws://10.200.0.2:9100', 'ws://10.200.0.6:9100/'] });
  });

  it("names a headless Service's pods <statefulSet>-<i>.<dns>, the StatefulSet named by the first label by default", () => {
    expect(hostUrls({ dns: 'bidders.rtb.svc.cluster.local', count: 3, port: 9100 })).toEqual([
      'ws://bidders-0.bidders.rtb.svc.cluster.local:9100',
      'ws://bidders-1.bidders.rtb.svc.cluster.local:9100',
      'ws://bidders-2.bidders.rtb.svc.cluster.local:9100',
    ]);
    expect(hostUrls({ dns: 'bidders.rtb.svc.cluster.local', count: 1, port: 80, statefulSet: 'host' })).toEqual([
      'ws://host-0.bidders.rtb.svc.cluster.local:80',
    ]);
    const raw = { bidders: [{ name: 'dsp', count: 3, hosts: { dns: 'bidders', count: 2, port: 8080 } }] };
    expect(hostOf(raw).map(([, h]) => h)).toEqual([
      'ws://bidders-0.bidders:8080',
      'ws://bidders-1.bidders:8080',
      'ws://bidders-0.bidders:8080',
    ]);
  });

  it('refuses a bad list: empty, too long, a path, a query, another scheme, a repeat', () => {
    const at = (hosts: unknown): { path: string; code: string }[] => codes({ bidders: [{ name: 'dsp', hosts }] });
    expect(at([])).toEqual([{ path: 'bidders[0].hosts', code: 'SCN_ERR_EMPTY' }]);
    const many = Array.from({ length: LIMITS.hosts + 1 }, (_, i) => `ws://h${i}:1`);
    expect(at(many)).toEqual([{ path: 'bidders[0].hosts', code: 'SCN_ERR_TOO_LARGE' }]);
    expect(at(['ws://a:1/dsp', 'http://a:1', 'ws://a:1?x=1', 'ws://u:p@a:1', 7, 'ws://b:1', 'ws://b:1/'])).toEqual([
      { path: 'bidders[0].hosts[0]', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'bidders[0].hosts[1]', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'bidders[0].hosts[2]', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'bidders[0].hosts[3]', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'bidders[0].hosts[4]', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'bidders[0].hosts[6]', code: 'SCN_ERR_DUPLICATE' },
    ]);
    expect(at('ws://a:1')).toEqual([{ path: 'bidders[0].hosts', code: 'SCN_ERR_WRONG_TYPE' }]);
    expect(valid({ bidders: [{ name: 'dsp', hosts: ['wss://[::1]:9100', 'ws://bidder-0.svc:1'] }] })).toBeTruthy();
  });

  it('refuses a bad Service: its name, count, port, StatefulSet, and keys it does not have', () => {
    const at = (hosts: unknown): { path: string; code: string }[] => codes({ bidders: [{ name: 'dsp', hosts }] });
    expect(at({ dns: 'Bidders.svc', count: 2, port: 9100 })).toEqual([
      { path: 'bidders[0].hosts.dns', code: 'SCN_ERR_BAD_FORMAT' },
    ]);
    expect(at({ dns: 'bidders..svc', count: 0, port: 70000 })).toEqual([
      { path: 'bidders[0].hosts.dns', code: 'SCN_ERR_BAD_FORMAT' },
      { path: 'bidders[0].hosts.count', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'bidders[0].hosts.port', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(at({ dns: 'bidders', port: 1 })).toEqual([{ path: 'bidders[0].hosts.count', code: 'SCN_ERR_MISSING' }]);
    expect(at({ dns: 'bidders', count: 1, port: 1, statefulSet: 'Host' })).toEqual([
      { path: 'bidders[0].hosts.statefulSet', code: 'SCN_ERR_BAD_FORMAT' },
    ]);
    // The last pod's name, 62 letters and "-10", is one label too long.
    expect(at({ dns: `${'b'.repeat(62)}.svc`, count: 11, port: 1 })).toEqual([
      { path: 'bidders[0].hosts.dns', code: 'SCN_ERR_BAD_FORMAT' },
    ]);
    expect(at({ dns: 'bidders', count: 1, port: 1, service: 'x' })).toEqual([
      { path: 'bidders[0].hosts.service', code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
    expect(at({ dns: 'bidders', count: LIMITS.hosts + 1, port: 1 })).toEqual([
      { path: 'bidders[0].hosts.count', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
  });
});
