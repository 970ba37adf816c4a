/**
 * The container and Kubernetes files in docker/, without a container engine: each file is
 * parsed and every container command is run through the real CLI with `-l` (user files mapped
 * from their mount to the repository or to a temp dir), and the files are checked to agree with
 * each other (ports, names, worker counts, the token Secret, the image's entrypoint). The image
 * and the Compose run under a real engine are docker/test/containers.sh's (`npm run
 * test:containers`); the manifests against Kubernetes' schemas are k8s-manifests.test.ts's.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { parseCliArgs } from '@locusta/mock-openai';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { BIN, ROOT, runLocusta } from './helpers.ts';

const DOCKER = join(ROOT, 'docker');
const K8S = join(DOCKER, 'k8s');
const EXAMPLE = join(ROOT, 'examples/inference/locustfile.ts');
/** What `locusta -l` prints for the inference example, the user file of every command here. */
const EXPECTED_LIST = 'Available Users:\n    InferenceUser\n';

type Obj = Record<string, any>;

/** The YAML files under dir; a Helm chart's templates are Go templates, not YAML, and are left out. */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name === 'templates' && existsSync(join(dir, 'Chart.yaml'))) continue;
    if (entry.isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** Every document of a YAML file (merge keys on, as Compose reads them); throws on any error. */
function loadDocs(path: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'), { merge: true });
  if (!Array.isArray(docs)) return [];
  return docs.map((doc, i) => {
    const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
    if (problems.length) throw new Error(`${relative(ROOT, path)} document ${i + 1}: ${problems.join('; ')}`);
    return doc.toJS() as Obj;
  });
}

// --- The image ---------------------------------------------------------------------------------

const dockerfile = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8');
/** Where the image holds the repository (its first WORKDIR, into which packages/ is copied). */
const IMAGE_ROOT = /^WORKDIR\s+(\S+)/m.exec(dockerfile)![1]!;
const IMAGE_WORKDIR = [...dockerfile.matchAll(/^WORKDIR\s+(\S+)/gm)].at(-1)![1]!;
const ENTRYPOINT = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)![1]!) as string[];

/** A path inside the image, as a path in this repository (what `COPY ... ./packages` put there). */
function imagePathInRepo(path: string): string {
  expect(path.startsWith(`${IMAGE_ROOT}/`), `${path} is not under ${IMAGE_ROOT}`).toBe(true);
  return join(ROOT, posix.relative(IMAGE_ROOT, path));
}

// --- Reading locusta command lines ------------------------------------------------------------

/** The value of an option as the CLI sees it: the last `--name v`/`--name=v`/`-x v`, else `LOCUSTA_`/`LOCUST_` env, else the default. */
function optionValue(args: string[], env: Record<string, string>, flags: string[], envSuffix: string | undefined, dflt?: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    for (const flag of flags) {
      if (args[i] === flag) value = args[i + 1];
      else if (flag.startsWith('--') && args[i]!.startsWith(`${flag}=`)) value = args[i]!.slice(flag.length + 1);
    }
  }
  if (value !== undefined) return value;
  if (envSuffix) value = env[`LOCUSTA_${envSuffix}`] ?? env[`LOCUST_${envSuffix}`];
  return value ?? dflt;
}

const LOCUSTFILE_FLAGS = ['-f', '--locustfile'];

/** The args with every `-f` path (comma-separated list) rewritten by `map`. */
function mapLocustfile(args: string[], map: (path: string) => string): string[] {
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    const mapList = (list: string) => list.split(',').map((p) => map(p.trim())).join(',');
    if (LOCUSTFILE_FLAGS.includes(out[i]!)) out[i + 1] = mapList(out[i + 1]!);
    else if (out[i]!.startsWith('--locustfile=')) out[i] = `--locustfile=${mapList(out[i]!.slice('--locustfile='.length))}`;
  }
  return out;
}

interface Mount {
  /** Absolute path in the container. */
  container: string;
  /** Where its content is on this machine. */
  host: string;
  readOnly: boolean;
}

/** A container path resolved against the working dir and mapped through the (innermost) mount. */
function throughMounts(path: string, workdir: string, mounts: Mount[]): { host: string; mount: Mount } {
  const abs = posix.resolve(workdir, path);
  const mount = mounts
    .filter((m) => abs === m.container || abs.startsWith(`${m.container}/`))
    .sort((a, b) => b.container.length - a.container.length)[0];
  if (!mount) throw new Error(`${abs} is on no mounted volume (mounts: ${mounts.map((m) => m.container).join(', ')})`);
  return { host: join(mount.host, posix.relative(mount.container, abs)), mount };
}

/** `locusta <args> -l` with the user files mapped; asserts it lists the example's class. */
async function expectValidInvocation(args: string[], env: Record<string, string>, workdir: string, mounts: Mount[]): Promise<void> {
  expect(LOCUSTFILE_FLAGS.some((f) => args.includes(f)) || args.some((a) => a.startsWith('--locustfile=')), `no -f in ${args.join(' ')}`).toBe(true);
  const mapped = mapLocustfile(args, (p) => throughMounts(p, workdir, mounts).host);
  const r = await runLocusta([...mapped, '-l'], { cwd: tempDir(), env });
  expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 0, stderr: '', stdout: EXPECTED_LIST });
}

// --- Compose -----------------------------------------------------------------------------------

/** Compose's variable interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`. */
function interpolate(value: unknown, vars: Record<string, string>): any {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Za-z_]\w*)(?:(:?)-([^}]*))?\}|\$([A-Za-z_]\w*)/g, (all, name, colon, dflt, bare) => {
      if (all === '$$') return '$';
      const key = (name ?? bare) as string;
      const set = vars[key];
      if (dflt === undefined) return set ?? '';
      return set === undefined || (colon && set === '') ? dflt : set;
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars)]));
  return value;
}

function loadCompose(vars: Record<string, string> = {}): Obj {
  const docs = loadDocs(join(DOCKER, 'compose.yaml'));
  expect(docs).toHaveLength(1);
  return interpolate(docs[0], vars) as Obj;
}

function composeEnv(service: Obj): Record<string, string> {
  const env = service['environment'] ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((e: string) => [e.split('=')[0], e.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
}

function composeMounts(service: Obj): Mount[] {
  return (service['volumes'] ?? []).map((v: string | Obj) => {
    if (typeof v === 'string') {
      const [source, target, mode] = v.split(':');
      return { container: target!, host: join(DOCKER, source!), readOnly: (mode ?? '').split(',').includes('ro') };
    }
    return { container: v['target'], host: join(DOCKER, v['source']), readOnly: Boolean(v['read_only']) };
  });
}

const asList = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : String(v).split(/\s+/));

/** The full command line of a service: its (or the image's) entrypoint, then its command. */
function composeArgv(service: Obj): { entrypoint: string[]; args: string[] } {
  return { entrypoint: asList(service['entrypoint']) ?? ENTRYPOINT, args: asList(service['command']) ?? [] };
}

// --- Kubernetes --------------------------------------------------------------------------------

const k8sDocs = (): Array<{ file: string; doc: Obj }> =>
  yamlFiles(K8S).flatMap((file) => loadDocs(file).map((doc) => ({ file: relative(K8S, file), doc })));

function find(kind: string, name: string): Obj {
  const found = k8sDocs().filter(({ doc }) => doc['kind'] === kind && doc['metadata']?.['name'] === name);
  expect(found.map((f) => f.file), `${kind}/${name}`).toHaveLength(1);
  return found[0]!.doc;
}

/** The container's env, with secretKeyRef/configMapKeyRef looked up in the manifests (secret.example.yaml included). */
function k8sEnv(container: Obj): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container['env'] ?? []) {
    if (e.value !== undefined) env[e.name] = expandK8s(String(e.value), env);
    else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      const secret = find('Secret', ref.name);
      const value = secret['stringData']?.[ref.key] ?? (secret['data']?.[ref.key] !== undefined ? Buffer.from(secret['data'][ref.key], 'base64').toString() : undefined);
      expect(value, `Secret ${ref.name} has no key ${ref.key}`).toBeTypeOf('string');
      env[e.name] = value;
    } else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      env[e.name] = find('ConfigMap', ref.name)['data'][ref.key];
    } else throw new Error(`env ${e.name}: unsupported source`);
  }
  return env;
}

/** Kubernetes' `$(VAR)` expansion in command, args and env values; `$$` is a literal `$`. */
function expandK8s(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][\w.-]*)\)/g, (all, name) => (all === '$$' ? '$' : (env[name] ?? all)));
}

/** The pod's volume mounts, ConfigMaps written to temp dirs, emptyDirs as empty temp dirs. */
function k8sMounts(pod: Obj, container: Obj): Mount[] {
  return (container['volumeMounts'] ?? []).map((vm: Obj) => {
    const volume = (pod['volumes'] ?? []).find((v: Obj) => v.name === vm['name']);
    expect(volume, `volume ${vm['name']}`).toBeDefined();
    const dir = tempDir();
    if (volume.configMap) {
      const data = find('ConfigMap', volume.configMap.name)['data'] as Record<string, string>;
      for (const [key, text] of Object.entries(data)) writeFileSync(join(dir, key), text);
    } else if (!volume.emptyDir) throw new Error(`volume ${vm['name']}: unsupported kind`);
    return { container: vm['mountPath'], host: dir, readOnly: Boolean(vm['readOnly']) };
  });
}

const IMAGE_COMMAND = `${ENTRYPOINT.join(' ')} "$@"`;

/** CPU quantity in cores: "1", "500m", 2. */
function cores(q: unknown): number {
  const s = String(q);
  return s.endsWith('m') ? Number(s.slice(0, -1)) / 1000 : Number(s);
}

function theContainer(deployment: Obj): { pod: Obj; container: Obj } {
  const pod = deployment['spec']['template']['spec'];
  expect(pod['containers']).toHaveLength(1);
  return { pod, container: pod['containers'][0] };
}

// --- Tests -------------------------------------------------------------------------------------

describe('docker/ files', () => {
  it('every YAML file parses, every document of it', () => {
    const files = yamlFiles(DOCKER).map((f) => relative(DOCKER, f));
    expect(files).toEqual(expect.arrayContaining([
      'compose.yaml', 'k8s/configmap.yaml', 'k8s/kustomization.yaml', 'k8s/master-deployment.yaml',
      'k8s/master-service.yaml', 'k8s/secret.example.yaml', 'k8s/worker-deployment.yaml',
      'k8s/hpa.example.yaml', 'helm/locusta/Chart.yaml', 'helm/locusta/values.yaml',
    ]));
    for (const file of yamlFiles(DOCKER)) {
      const docs = loadDocs(file);
      expect(docs.length, file).toBeGreaterThan(0);
      for (const doc of docs) expect(doc, file).toBeTypeOf('object');
    }
  });

  it("the Dockerfile's entrypoint is the locusta bin of this repository", () => {
    expect(ENTRYPOINT[0]).toBe('node');
    expect(ENTRYPOINT).toHaveLength(2);
    expect(imagePathInRepo(ENTRYPOINT[1]!)).toBe(BIN);
    expect(existsSync(BIN)).toBe(true);
    expect(dockerfile).toMatch(/^COPY packages \.\/packages$/m);
    expect(IMAGE_WORKDIR).toBe('/mnt/locust');
  });
});

describe('docker/compose.yaml', () => {
  it('target runs the mock server from the same image, on the port the master targets', () => {
    const { services } = loadCompose();
    const { entrypoint, args } = composeArgv(services.target);
    expect(entrypoint[0]).toBe('node');
    expect(existsSync(imagePathInRepo(entrypoint[1]!)), entrypoint[1]).toBe(true);
    expect(relative(ROOT, imagePathInRepo(entrypoint[1]!))).toBe(join('packages', 'mock-openai', 'bin', 'mock-openai.js'));
    const parsed = parseCliArgs(args);
    expect(parsed.options.host).toBe('0.0.0.0');
    const master = composeArgv(services.master);
    const url = new URL(optionValue(master.args, composeEnv(services.master), ['-H', '--host'], 'HOST')!);
    expect(url.hostname).toBe('target');
    expect(Number(url.port)).toBe(parsed.options.port);
    for (const name of ['target', 'master', 'worker']) {
      expect(services[name].image, name).toBe(services.master.image);
      expect(services[name].build, name).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
    }
    expect(existsSync(join(DOCKER, services.master.build.context, services.master.build.dockerfile))).toBe(true);
  });

  for (const name of ['master', 'worker']) {
    it(`${name}'s command is a valid locusta invocation`, async () => {
      const service = loadCompose().services[name];
      const { entrypoint, args } = composeArgv(service);
      expect(entrypoint).toEqual(ENTRYPOINT);
      await expectValidInvocation(args, composeEnv(service), service.working_dir ?? IMAGE_WORKDIR, composeMounts(service));
    });
  }

  it('master and worker agree on the master address, port and token', () => {
    const { services } = loadCompose();
    const m = composeArgv(services.master).args;
    const w = composeArgv(services.worker).args;
    const mEnv = composeEnv(services.master);
    const wEnv = composeEnv(services.worker);
    expect(m).toContain('--master');
    expect(m).toContain('--headless');
    expect(w).toContain('--worker');
    expect(optionValue(w, wEnv, ['--master-host'], 'MASTER_NODE_HOST', '127.0.0.1')).toBe('master');
    const bindPort = optionValue(m, mEnv, ['--master-bind-port'], 'MASTER_BIND_PORT', '5557');
    expect(optionValue(w, wEnv, ['--master-port'], 'MASTER_NODE_PORT', '5557')).toBe(bindPort);
    expect(mEnv['LOCUSTA_MASTER_TOKEN']).toBeTruthy();
    expect(wEnv['LOCUSTA_MASTER_TOKEN']).toBe(mEnv['LOCUSTA_MASTER_TOKEN']);
    expect(loadCompose({ LOCUSTA_MASTER_TOKEN: 's3cret' }).services.worker.environment.LOCUSTA_MASTER_TOKEN).toBe('s3cret');
    expect(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8')).toMatch(/change/i);
  });

  it('--expect-workers comes from EXPECT_WORKERS, defaulting to the default worker count', () => {
    const expectWorkers = (vars: Record<string, string>) => {
      const master = loadCompose(vars).services.master;
      return optionValue(composeArgv(master).args, composeEnv(master), ['--expect-workers'], 'EXPECT_WORKERS', '1');
    };
    const worker = loadCompose().services.worker;
    expect(expectWorkers({})).toBe(String(worker.scale ?? worker.deploy?.replicas ?? 1));
    expect(expectWorkers({ EXPECT_WORKERS: '4' })).toBe('4');
  });

  it('the master runs the inference example for a bounded time and writes its CSVs to the mounted ./out', () => {
    const master = loadCompose().services.master;
    const { args } = composeArgv(master);
    const env = composeEnv(master);
    const mounts = composeMounts(master);
    const workdir = master.working_dir ?? IMAGE_WORKDIR;
    expect(throughMounts(optionValue(args, env, LOCUSTFILE_FLAGS, 'LOCUSTFILE')!, workdir, mounts).host).toBe(EXAMPLE);
    expect(optionValue(args, env, ['-t', '--run-time'], 'RUN_TIME')).toMatch(/^\d+[smh]/);
    const csv = throughMounts(optionValue(args, env, ['--csv'], 'CSV')!, workdir, mounts);
    expect(csv.mount.readOnly).toBe(false);
    expect(csv.mount.host).toBe(join(DOCKER, 'out'));
  });
});

describe('docker/k8s', () => {
  it('kustomization lists every manifest but the examples (the Secret, the autoscaler)', () => {
    const kustomization = loadDocs(join(K8S, 'kustomization.yaml'))[0]!;
    const manifests = yamlFiles(K8S)
      .map((f) => relative(K8S, f))
      .filter((f) => f !== 'kustomization.yaml' && !f.endsWith('.example.yaml'));
    expect([...kustomization['resources']].sort()).toEqual(manifests);
    expect(kustomization['resources']).not.toContain('secret.example.yaml');
  });

  it('the ConfigMap holds the inference example, mounted at /mnt/locust by master and workers', () => {
    const cm = find('ConfigMap', 'locusta-locustfile');
    expect(cm['data']['locustfile.ts']).toBe(readFileSync(EXAMPLE, 'utf8'));
    for (const name of ['locusta-master', 'locusta-worker']) {
      const { pod, container } = theContainer(find('Deployment', name));
      const mount = container['volumeMounts'].find((m: Obj) => m.mountPath === '/mnt/locust');
      expect(pod['volumes'].find((v: Obj) => v.name === mount.name).configMap.name).toBe('locusta-locustfile');
    }
  });

  for (const name of ['locusta-master', 'locusta-worker']) {
    it(`${name}'s args are a valid locusta invocation`, async () => {
      const { pod, container } = theContainer(find('Deployment', name));
      const env = k8sEnv(container);
      const args = (container['args'] as string[]).map((a) => expandK8s(a, env));
      await expectValidInvocation(args, env, container['workingDir'] ?? IMAGE_WORKDIR, k8sMounts(pod, container));
    });
  }

  it("the master's wrapper runs the image's entrypoint once, keeps the pod, and passes SIGTERM on", async () => {
    const { pod, container } = theContainer(find('Deployment', 'locusta-master'));
    const env = k8sEnv(container);
    const command = (container['command'] as string[]).map((a) => expandK8s(a, env));
    expect(command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(command[2]).toContain(IMAGE_COMMAND);
    const mounts = k8sMounts(pod, container);
    const results = mounts.find((m) => m.container === '/results')!;
    const args = mapLocustfile(container['args'].map((a: string) => expandK8s(a, env)), (p) => throughMounts(p, IMAGE_WORKDIR, mounts).host);
    // The same script, with this repository's bin for the image's and a temp dir for /results.
    const script = command[2]!.replace(IMAGE_COMMAND, `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"`).replaceAll('/results', results.host);
    // Its own process group, so that a failing run leaves no `sleep infinity` behind.
    const child = spawn('/bin/sh', ['-c', script, ...command.slice(3), ...args, '-l'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    onTestFinished(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
    const exitFile = join(results.host, 'exit-code');
    for (let i = 0; i < 300 && !existsSync(exitFile); i++) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(exitFile, 'utf8')).toBe('0\n');
    expect(stdout).toBe(EXPECTED_LIST);
    await new Promise((r) => setTimeout(r, 300));
    expect(child.exitCode).toBeNull(); // still up: the pod keeps its results
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
  });

  it('workers reach the master through the Service, on the port the master binds', () => {
    const service = find('Service', 'locusta-master');
    const master = find('Deployment', 'locusta-master');
    const worker = find('Deployment', 'locusta-worker');
    const m = theContainer(master).container;
    const w = theContainer(worker).container;
    const mEnv = k8sEnv(m);
    const wEnv = k8sEnv(w);
    expect(service['spec']['type'] ?? 'ClusterIP').toBe('ClusterIP');
    expect(w['args'].slice(0, 3)).toEqual(['--worker', '--master-host', 'locusta-master']);
    expect(optionValue(w['args'], wEnv, ['--master-host'], 'MASTER_NODE_HOST', '127.0.0.1')).toBe(service['metadata']['name']);
    const [port] = service['spec']['ports'];
    expect(service['spec']['ports']).toHaveLength(1);
    expect(port.port).toBe(5557);
    expect(optionValue(w['args'], wEnv, ['--master-port'], 'MASTER_NODE_PORT', '5557')).toBe(String(port.port));
    const bindPort = Number(optionValue(m['args'], mEnv, ['--master-bind-port'], 'MASTER_BIND_PORT', '5557'));
    expect(port.port).toBe(bindPort);
    // targetPort names the master's container port, which is the bind port.
    const containerPort = m['ports'].find((p: Obj) => p.name === port.targetPort || p.containerPort === port.targetPort);
    expect(containerPort?.name).toBe('master');
    expect(containerPort.containerPort).toBe(bindPort);
    // The Service selects the master pod, and only it.
    const selects = (labels: Obj) => Object.entries(service['spec']['selector']).every(([k, v]) => labels[k] === v);
    expect(selects(master['spec']['template']['metadata']['labels'])).toBe(true);
    expect(selects(worker['spec']['template']['metadata']['labels'])).toBe(false);
  });

  it('one master, headless, expecting as many workers as the worker Deployment runs', () => {
    const master = find('Deployment', 'locusta-master');
    const worker = find('Deployment', 'locusta-worker');
    const m = theContainer(master).container;
    expect(master['spec']['replicas']).toBe(1);
    expect(master['spec']['strategy']?.['type']).toBe('Recreate');
    expect(m['args']).toEqual(expect.arrayContaining(['--master', '--headless']));
    expect(optionValue(m['args'], k8sEnv(m), ['-t', '--run-time'], 'RUN_TIME')).toMatch(/^\d+[smh]/);
    expect(Number(optionValue(m['args'], k8sEnv(m), ['--expect-workers'], 'EXPECT_WORKERS', '1'))).toBe(worker['spec']['replicas']);
    for (const d of [master, worker]) {
      const labels = d['spec']['template']['metadata']['labels'];
      for (const [k, v] of Object.entries(d['spec']['selector']['matchLabels'])) expect(labels[k]).toBe(v);
    }
  });

  it('each worker gets one CPU, and every container has requests and limits', () => {
    for (const name of ['locusta-master', 'locusta-worker']) {
      const { resources } = theContainer(find('Deployment', name)).container;
      for (const key of ['cpu', 'memory']) {
        expect(resources?.requests?.[key], `${name} requests.${key}`).toBeDefined();
        expect(resources?.limits?.[key], `${name} limits.${key}`).toBeDefined();
      }
    }
    const { resources } = theContainer(find('Deployment', 'locusta-worker')).container;
    expect(cores(resources.requests.cpu)).toBe(1);
    expect(cores(resources.limits.cpu)).toBe(1);
  });

  it('the token comes from the example Secret, which is not applied with the rest', () => {
    const secret = find('Secret', 'locusta-master-token');
    expect(secret['stringData']['token']).toMatch(/change/i);
    for (const name of ['locusta-master', 'locusta-worker']) {
      const { container } = theContainer(find('Deployment', name));
      const ref = container['env'].find((e: Obj) => e.name === 'LOCUSTA_MASTER_TOKEN')?.valueFrom?.secretKeyRef;
      expect(ref, name).toEqual({ name: 'locusta-master-token', key: 'token' });
    }
    const files = k8sDocs().filter(({ doc }) => doc['kind'] === 'Secret').map(({ file }) => file);
    expect(files).toEqual(['secret.example.yaml']);
  });
});
