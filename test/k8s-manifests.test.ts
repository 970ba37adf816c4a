/**
 * The Kubernetes files in docker/ against Kubernetes' own schemas (the OpenAPI schemas compiled
 * in kubernetes-models): every object of the plain manifests in docker/k8s, as each file is
 * written and as `kubectl kustomize` renders the kustomization (when kubectl is on this
 * machine). No helm is installable here (neither Debian nor npm ships it), so the Helm chart in
 * docker/helm/locusta is checked for what can be checked without rendering it: values.yaml
 * documented field by field, every value a template reads defined and every value read, its
 * blocks balanced, and its defaults in step with the plain manifests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from './helpers.ts';

type Obj = Record<string, any>;

const K8S = join(ROOT, 'docker/k8s');
const CHART = join(ROOT, 'docker/helm/locusta');

function docsOf(text: string, name: string): Obj[] {
  return parseAllDocuments(text).map((doc, i) => {
    const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
    if (problems.length) throw new Error(`${name} document ${i + 1}: ${problems.join('; ')}`);
    return doc.toJS() as Obj;
  }).filter((d) => d !== null);
}

/** Every object of docker/k8s, the kustomization itself aside, with its file. */
function manifestObjects(): Array<{ file: string; obj: Obj }> {
  return readdirSync(K8S)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
    .sort()
    .flatMap((file) => docsOf(readFileSync(join(K8S, file), 'utf8'), file).map((obj) => ({ file, obj })));
}

/**
 * Validates an object against the schema of its apiVersion and kind; throws the schema's
 * complaints. An apiVersion/kind the schemas do not know is an error too (a typo, or an API
 * Kubernetes removed).
 */
async function validate(obj: Obj): Promise<void> {
  const { apiVersion, kind } = obj;
  expect(apiVersion, 'apiVersion').toMatch(/^([a-z0-9.-]+\/)?v\d+(alpha\d+|beta\d+)?$/);
  expect(kind, 'kind').toMatch(/^[A-Z][A-Za-z]+$/);
  let Model: new (data: Obj) => { validate(): void };
  try {
    // One module a kind: kubernetes-models/apps/v1/Deployment, kubernetes-models/v1/Service.
    const specifier = `kubernetes-models/${apiVersion}/${kind}`;
    Model = (await import(/* @vite-ignore */ specifier))[kind];
  } catch {
    throw new Error(`no Kubernetes schema for ${apiVersion} ${kind}`);
  }
  new Model(obj).validate();
}

const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('Kubernetes schemas', () => {
  it('the check fails on objects Kubernetes would refuse', async () => {
    const worker = manifestObjects().find(({ obj }) => obj['kind'] === 'Deployment' && obj['metadata']['name'] === 'locusta-worker')!.obj;
    await validate(worker);
    // The model validate() finds for it: Deployment of apps/v1.
    expect(() => new Deployment({ ...worker, spec: { ...worker['spec'], replicas: -1.5 } } as never).validate()).toThrow(/integer/);
    const bad = (edit: (o: Obj) => void) => {
      const copy = structuredClone(worker);
      edit(copy);
      return validate(copy);
    };
    await expect(bad((o) => (o['spec']['replicas'] = '4'))).rejects.toThrow(/replicas must be integer/);
    await expect(bad((o) => delete o['spec']['template']['spec']['containers'][0]['name'])).rejects.toThrow(/required property name/);
    await expect(bad((o) => (o['spec']['template']['spec']['securityContext']['runAsUser'] = 'node'))).rejects.toThrow(/runAsUser must be integer/);
    await expect(validate({ ...worker, kind: 'Deploymnet' })).rejects.toThrow(/no Kubernetes schema for apps\/v1 Deploymnet/);
  });

  it('every object in docker/k8s is valid, the examples included', async () => {
    const objects = manifestObjects();
    expect(objects.map(({ obj }) => `${obj['kind']}/${obj['metadata']['name']}`).sort()).toEqual([
      'ConfigMap/locusta-locustfile',
      'Deployment/locusta-master',
      'Deployment/locusta-worker',
      'HorizontalPodAutoscaler/locusta-worker',
      'Secret/locusta-master-token',
      'Service/locusta-master',
    ]);
    for (const { file, obj } of objects) {
      await validate(obj).catch((err: Error) => {
        throw new Error(`${file} ${obj['kind']}/${obj['metadata']['name']}: ${err.message}`);
      });
    }
  });

  it.skipIf(!hasKubectl)('kubectl kustomize renders the kustomization to valid objects, those of its files', async () => {
    const rendered = docsOf(execFileSync('kubectl', ['kustomize', K8S], { encoding: 'utf8' }), 'kubectl kustomize');
    const kustomization = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as Obj;
    const listed = manifestObjects().filter(({ file }) => kustomization['resources'].includes(file));
    const key = (o: Obj) => `${o['kind']}/${o['metadata']['name']}`;
    expect(rendered.map(key).sort()).toEqual(listed.map(({ obj }) => key(obj)).sort());
    for (const obj of rendered) {
      await validate(obj).catch((err: Error) => {
        throw new Error(`rendered ${key(obj)}: ${err.message}`);
      });
    }
  });

  it('every pod runs as non-root with a read-only root, no capabilities and a writable /tmp', () => {
    for (const { obj } of manifestObjects().filter(({ obj }) => obj['kind'] === 'Deployment')) {
      const pod = obj['spec']['template']['spec'];
      expect(pod['securityContext']).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of pod['containers']) {
        expect(c['securityContext'], c.name).toEqual({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        const tmp = c['volumeMounts'].find((m: Obj) => m.mountPath === '/tmp');
        expect(pod['volumes'].find((v: Obj) => v.name === tmp?.name)?.emptyDir, `${c.name} /tmp`).toEqual({});
      }
    }
  });
});

// --- The Helm chart ----------------------------------------------------------------------------

const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Obj;
const templates = readdirSync(join(CHART, 'templates'))
  .filter((f) => /\.(ya?ml|tpl|txt)$/.test(f))
  .map((f) => ({ file: f, text: readFileSync(join(CHART, 'templates', f), 'utf8') }));
/** Values that are Kubernetes objects passed through as they are (toYaml): their fields are Kubernetes'. */
const PASS_THROUGH = new Set(['resources', 'podSecurityContext', 'securityContext', 'nodeSelector', 'tolerations', 'affinity', 'podAnnotations', 'imagePullSecrets', 'accessModes']);

/** The dotted paths of values.yaml's fields, pass-through objects as one field. */
function valuePaths(obj: Obj, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    const leaf = v === null || typeof v !== 'object' || Array.isArray(v) || PASS_THROUGH.has(k) || Object.keys(v).length === 0;
    return leaf ? [path] : [path, ...valuePaths(v, path)];
  });
}

describe('docker/helm/locusta', () => {
  it("Chart.yaml: a v2 chart of Locusta's version", () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Obj;
    const pkg = JSON.parse(readFileSync(join(ROOT, 'packages/locusta/package.json'), 'utf8'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'locusta', type: 'application', appVersion: pkg.version });
    expect(chart['version']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("the default user file is the repository's inference example", () => {
    expect(readFileSync(join(CHART, 'files/locustfile.ts'), 'utf8')).toBe(readFileSync(join(ROOT, 'examples/inference/locustfile.ts'), 'utf8'));
  });

  it('values.yaml documents every field with a comment above it', () => {
    const lines = readFileSync(join(CHART, 'values.yaml'), 'utf8').split('\n');
    const undocumented: string[] = [];
    const stack: Array<{ indent: number; key: string }> = [];
    lines.forEach((line, i) => {
      const m = /^(\s*)([A-Za-z][\w-]*):/.exec(line);
      if (!m) return;
      const indent = m[1]!.length;
      while (stack.length && stack.at(-1)!.indent >= indent) stack.pop();
      const inside = stack.some((s) => PASS_THROUGH.has(s.key));
      stack.push({ indent, key: m[2]! });
      if (inside) return;
      // A comment on the line, or on the line above (a group's comment above its first field counts).
      if (line.includes(' # ') || /^\s*#/.test(lines[i - 1] ?? '')) return;
      // A group's fields are documented by their own comments; the group needs none.
      const next = lines.slice(i + 1).find((l) => l.trim() !== '');
      if (/:\s*$/.test(line) && next && /^\s*#/.test(next)) return;
      undocumented.push([...stack.map((s) => s.key)].join('.'));
    });
    expect(undocumented).toEqual([]);
  });

  it('every value a template reads is defined, and every value is read', () => {
    const paths = new Set(valuePaths(values));
    const read = new Set<string>();
    for (const { file, text } of templates) {
      for (const m of text.matchAll(/\.Values\.([A-Za-z][\w.]*)/g)) {
        const path = m[1]!.replace(/\.$/, '');
        expect(paths.has(path), `${file} reads .Values.${path}, which values.yaml does not define`).toBe(true);
        read.add(path);
      }
    }
    const unread = [...paths].filter((p) => ![...read].some((r) => r === p || r.startsWith(`${p}.`) || p.startsWith(`${r}.`)));
    expect(unread).toEqual([]);
  });

  it("every template's blocks are balanced", () => {
    for (const { file, text } of templates) {
      const actions = [...text.matchAll(/\{\{-?\s*(\w+)/g)].map((m) => m[1]);
      const opened = actions.filter((a) => ['if', 'range', 'with', 'define', 'block'].includes(a!)).length;
      const closed = actions.filter((a) => a === 'end').length;
      expect(closed, file).toBe(opened);
      expect(text.match(/\{\{/g)?.length ?? 0, `${file} {{ vs }}`).toBe(text.match(/\}\}/g)?.length ?? 0);
    }
  });

  it('its defaults are those of the plain manifests: security, resources, port, worker count', () => {
    const objects = manifestObjects().map(({ obj }) => obj);
    const deployment = (name: string) => objects.find((o) => o['kind'] === 'Deployment' && o['metadata']['name'] === name)!;
    const worker = deployment('locusta-worker');
    const master = deployment('locusta-master');
    const pod = worker['spec']['template']['spec'];
    expect(values['podSecurityContext']).toEqual(pod['securityContext']);
    expect(values['securityContext']).toEqual(pod['containers'][0]['securityContext']);
    expect(values['workers']['resources']).toEqual(pod['containers'][0]['resources']);
    expect(values['master']['resources']).toEqual(master['spec']['template']['spec']['containers'][0]['resources']);
    expect(values['workers']['replicas']).toBe(worker['spec']['replicas']);
    const service = objects.find((o) => o['kind'] === 'Service')!;
    expect(values['master']['port']).toBe(service['spec']['ports'][0]['port']);
    expect(['job', 'deployment']).toContain(values['mode']);
  });

  it('the chart makes every kind of object a run needs, in both modes', () => {
    const all = templates.map((t) => t.text).join('\n');
    for (const kind of ['ConfigMap', 'Secret', 'Service', 'Deployment', 'Job', 'HorizontalPodAutoscaler', 'PersistentVolumeClaim']) {
      expect(all, kind).toMatch(new RegExp(`^kind: ${kind}$`, 'm'));
    }
    expect(existsSync(join(CHART, 'templates/_helpers.tpl'))).toBe(true);
  });
});
