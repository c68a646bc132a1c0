// hostNamespaces, hostPathVolumes, hostPorts (with the API-server hostPort defaulting) and
// restrictedVolumes (CHECKS.md 2, 5.3-5.5, 5.15).
import { describe, expect, it } from 'vitest';
import { app, failing, init, message, pod, type Json } from './helpers.js';

describe('hostNamespaces', () => {
  it('lists hostNetwork, hostPID, hostIPC in that order', () => {
    const p = pod((s) => Object.assign(s, { hostIPC: true, hostPID: true, hostNetwork: true }));
    expect(message(p, 'baseline')).toBe('host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)');
  });
});

describe('hostPorts and the hostNetwork defaulting', () => {
  it('defaults init and regular containers of a Pod, not ephemeral ones', () => {
    const p = pod((s) => {
      s['hostNetwork'] = true;
      init(s)['ports'] = [{ containerPort: 53 }];
      app(s)['ports'] = [{ containerPort: 8080, hostPort: 0 }];
      s['ephemeralContainers'] = [{ name: 'debug', image: 'x', ports: [{ containerPort: 9 }] }];
    });
    expect(message(p, 'baseline')).toBe(
      'host namespaces (hostNetwork=true), hostPort (containers "init", "app" use hostPorts 53, 8080)',
    );
    expect(message(p, 'baseline', 'latest', false)).toBe('host namespaces (hostNetwork=true)');
  });

  it('counts distinct ports for the plural and keeps container order', () => {
    const p = pod((s) => {
      app(s)['ports'] = [{ containerPort: 80, hostPort: 80 }];
      init(s)['ports'] = [{ containerPort: 80, hostPort: 80 }];
    });
    expect(message(p, 'baseline')).toBe('hostPort (containers "init", "app" use hostPort 80)');
  });
});

describe('volumes', () => {
  const vols = (volumes: Json[]) => pod((s) => (s['volumes'] = volumes));

  it('baseline names hostPath volumes in spec order', () => {
    const p = vols([
      { name: 'b', hostPath: { path: '/b' } },
      { name: 'tmp', emptyDir: {} },
      { name: 'a', hostPath: { path: '/a' } },
    ]);
    expect(message(p, 'baseline')).toBe('hostPath volumes (volumes "b", "a")');
  });

  it('restricted reports hostPath through restrictedVolumes only', () => {
    const p = vols([{ name: 'h', hostPath: { path: '/' } }]);
    expect(message(p, 'restricted')).toBe(
      'restricted volume types (volume "h" uses restricted volume type "hostPath")',
    );
    expect(failing(p, 'restricted', 'v1.0')).toEqual(['restrictedVolumes']);
  });

  it('names each volume by its first restricted source in upstream order', () => {
    const p = vols([
      { name: 'x', nfs: { server: 's', path: '/' }, gitRepo: { repository: 'r' } },
      { name: 'y', cephfs: { monitors: [] } },
    ]);
    expect(message(p, 'restricted')).toBe(
      'restricted volume types (volumes "x", "y" use restricted volume types "cephfs", "gitRepo")',
    );
  });

  it('defaults volumes without a known source to emptyDir', () => {
    expect(
      message(vols([{ name: 'a' }, { name: 'b', hostPath: null }, { name: 'c', somethingNew: {} }]), 'restricted'),
    ).toBe('');
  });
});
