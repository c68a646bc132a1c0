// Evidence matchers: real failure messages become findings with their path or port.
import { describe, expect, it } from 'vitest';
import { analyzeLogs, matchLogLine, parseProbeOutput, writtenDirectories } from '../../src/fix/evidence.js';

describe('matchLogLine', () => {
  it.each([
    [
      '2026/11/23 09:00:00 [emerg] 1#1: mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)',
      { kind: 'readOnlyFs', path: '/var/cache/nginx/client_temp' },
    ],
    [
      "OSError: [Errno 30] Read-only file system: '/app/data/cache.db'",
      { kind: 'readOnlyFs', path: '/app/data/cache.db' },
    ],
    [
      "FileNotFoundError: [Errno 2] No usable temporary directory found in ['/tmp', '/var/tmp', '/usr/tmp', '/app']",
      { kind: 'noTempDir' },
    ],
    ['2026/11/23 [emerg] 1#1: bind() to 0.0.0.0:80 failed (13: Permission denied)', { kind: 'lowPortBind', port: 80 }],
    ['listen tcp :443: bind: permission denied', { kind: 'lowPortBind', port: 443 }],
    [
      'Error: container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root',
      { kind: 'nonNumericUser' },
    ],
    [
      'Error: container has runAsNonRoot and image will run as root (pod: "web-1", container: web)',
      { kind: 'runsAsRoot' },
    ],
    [
      "PermissionError: [Errno 13] Permission denied: '/var/log/app/app.log'",
      { kind: 'permissionDenied', path: '/var/log/app/app.log' },
    ],
    [
      'open() "/var/run/nginx.pid" failed (13: Permission denied)',
      { kind: 'permissionDenied', path: '/var/run/nginx.pid' },
    ],
  ])('recognises %s', (line, expected) => {
    expect(matchLogLine(line)).toMatchObject(expected);
  });

  it.each(['GET /healthz 200', 'bind() to 0.0.0.0:8080 failed (98: Address already in use)', ''])(
    'ignores %j',
    (line) => {
      expect(matchLogLine(line)).toBeNull();
    },
  );
});

describe('analyzeLogs', () => {
  it('turns the gunicorn crash of the seed into /tmp and /var/tmp', () => {
    const ev = analyzeLogs(
      "[INFO] Starting gunicorn 22.0.0\nFileNotFoundError: [Errno 2] No usable temporary directory found in ['/tmp', '/var/tmp', '/usr/tmp', '/app']\n",
    );
    expect(ev.writablePaths).toEqual(['/tmp', '/var/tmp']);
  });

  it('maps nginx failures to directories and ports', () => {
    const ev = analyzeLogs(
      'mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)\nopen() "/var/run/nginx.pid" failed (13: Permission denied)\nbind() to 0.0.0.0:80 failed (13: Permission denied)',
    );
    expect(ev.writablePaths).toEqual(['/var/cache/nginx', '/var/run']);
    expect(ev.lowPorts).toEqual([80]);
  });
});

describe('parseProbeOutput', () => {
  it("reads id -u / id -g and the directories of changed files (each file's own directory when nothing is known of the image)", () => {
    expect(
      parseProbeOutput(
        '101\n',
        '101\n',
        '/var/cache/nginx/client_temp/1/00/x\n/var/run/nginx.pid\n/proc/1/stat\n/tmp/a\n',
      ),
    ).toEqual({
      uid: 101,
      gid: 101,
      writablePaths: ['/tmp', '/var/cache/nginx/client_temp/1/00', '/var/run'],
      writtenDirs: ['/tmp', '/var/cache/nginx/client_temp/1/00', '/var/run'],
      imageContent: [],
    });
  });

  it('keeps the shallowest directory without image files: tomcat logs/ and work/, never /usr/local/tomcat', () => {
    const files =
      '/usr/local/tomcat/logs/catalina.log\n/usr/local/tomcat/work/Catalina/localhost/ROOT/x.ser\n/var/cache/nginx/client_temp/1/00/x\n';
    const image = '/usr/local/tomcat/bin/catalina.sh\n/usr/lib/x.so\n/var/cache/debconf/templates.dat\n';
    const ev = parseProbeOutput('0', '0', files, image);
    expect(ev.writablePaths).toEqual(['/usr/local/tomcat/logs', '/usr/local/tomcat/work', '/var/cache/nginx']);
    expect(ev.imageContent).toEqual([]);
  });

  it('flags a directory holding both image files and run-time writes for seeding', () => {
    const ev = parseProbeOutput(
      '0',
      '0',
      '/etc/nginx/conf.d/generated.conf\n',
      '/etc/nginx/conf.d/default.conf\n/etc/passwd\n',
    );
    expect(writtenDirectories(['/etc/nginx/conf.d/generated.conf'], ['/etc/nginx/conf.d/default.conf'])).toEqual([
      { dir: '/etc/nginx/conf.d', seed: true },
    ]);
    expect(ev).toMatchObject({ writablePaths: ['/etc/nginx/conf.d'], imageContent: ['/etc/nginx/conf.d'] });
  });
});
