// Turns the pod of a Kubernetes manifest into `docker run` options with the same settings, so
// that docker/test/containers.sh runs it under a real engine (no cluster can run here):
//
//   node docker/test/pod-docker-run.mjs MANIFEST CONTAINER_NAME CONFIGMAP_DIR
//
// prints the options, each ended by a NUL byte (values may hold newlines): user and group (runAsUser, runAsGroup, fsGroup), --read-only,
// --security-opt no-new-privileges, --cap-drop/--cap-add, --cpus and --memory (the limits),
// every env entry (a literal value, or the name alone for a Secret's, taken from the caller's
// environment), the ConfigMap volumes as read-only bind mounts of their data written to
// CONFIGMAP_DIR (read from the manifests beside MANIFEST), emptyDirs as tmpfs, then
// `--entrypoint` when the container has a command. After a `--` come the container's command
// and args (to follow the image name).
// Settings it cannot carry over make it fail with one line naming them.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const [manifest, containerName, configMapDir] = process.argv.slice(2);
if (!manifest || !containerName || !configMapDir) {
  console.error('usage: pod-docker-run.mjs MANIFEST CONTAINER_NAME CONFIGMAP_DIR');
  process.exit(2);
}

const docsOf = (file) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
const all = readdirSync(dirname(manifest))
  .filter((f) => /\.ya?ml$/.test(f))
  .flatMap((f) => docsOf(join(dirname(manifest), f)));
const workload = docsOf(manifest).find((d) => d?.spec?.template?.spec);
if (!workload) throw new Error(`${manifest}: no pod template`);
const pod = workload.spec.template.spec;
const container = pod.containers.find((c) => c.name === containerName);
if (!container) throw new Error(`${manifest}: no container ${containerName}`);

const out = [];
const unsupported = [];
const podSec = pod.securityContext ?? {};
const sec = { ...podSec, ...container.securityContext };
if (sec.runAsNonRoot && !(sec.runAsUser > 0)) unsupported.push('runAsNonRoot without a runAsUser');
if (sec.runAsUser !== undefined) out.push('--user', `${sec.runAsUser}:${sec.runAsGroup ?? sec.runAsUser}`);
if (podSec.fsGroup !== undefined) out.push('--group-add', String(podSec.fsGroup));
if (sec.readOnlyRootFilesystem) out.push('--read-only');
if (sec.allowPrivilegeEscalation === false) out.push('--security-opt', 'no-new-privileges');
for (const cap of sec.capabilities?.drop ?? []) out.push('--cap-drop', cap);
for (const cap of sec.capabilities?.add ?? []) out.push('--cap-add', cap);
if (sec.privileged) unsupported.push('privileged');
if (sec.seccompProfile && sec.seccompProfile.type !== 'RuntimeDefault') unsupported.push(`seccompProfile ${sec.seccompProfile.type}`);

/** Kubernetes quantities as docker takes them: CPU in cores, memory in bytes. */
const cpu = (q) => (String(q).endsWith('m') ? Number(String(q).slice(0, -1)) / 1000 : Number(q));
const UNITS = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9 };
const bytes = (q) => {
  const m = /^(\d+(?:\.\d+)?)([KMG]i?)?$/.exec(String(q));
  if (!m) throw new Error(`memory quantity ${q}`);
  return Math.round(Number(m[1]) * (m[2] ? UNITS[m[2]] : 1));
};
const limits = container.resources?.limits ?? {};
if (limits.cpu !== undefined) out.push('--cpus', String(cpu(limits.cpu)));
if (limits.memory !== undefined) out.push('--memory', String(bytes(limits.memory)));

for (const e of container.env ?? []) {
  if (e.value !== undefined) out.push('-e', `${e.name}=${e.value}`);
  else if (e.valueFrom?.secretKeyRef) {
    if (process.env[e.name] === undefined) unsupported.push(`env ${e.name} from a Secret, not set here`);
    out.push('-e', e.name);
  } else unsupported.push(`env ${e.name}`);
}

for (const mount of container.volumeMounts ?? []) {
  const volume = (pod.volumes ?? []).find((v) => v.name === mount.name);
  if (volume?.configMap) {
    const cm = all.find((d) => d?.kind === 'ConfigMap' && d.metadata?.name === volume.configMap.name);
    if (!cm) throw new Error(`ConfigMap ${volume.configMap.name} is in no manifest beside ${manifest}`);
    const dir = join(configMapDir, mount.name);
    mkdirSync(dir, { recursive: true });
    for (const [key, text] of Object.entries(cm.data ?? {})) writeFileSync(join(dir, key), text);
    if (!mount.readOnly) unsupported.push(`ConfigMap mount ${mount.name} not readOnly`);
    out.push('-v', `${dir}:${mount.mountPath}:ro`);
  } else if (volume?.emptyDir) out.push('--tmpfs', `${mount.mountPath}:rw,exec,mode=1777`);
  else unsupported.push(`volume ${mount.name}`);
}

if (container.workingDir) out.push('-w', container.workingDir);
const command = container.command ?? [];
if (command.length) out.push('--entrypoint', command[0]);
out.push('--', ...command.slice(1), ...(container.args ?? []));

if (unsupported.length) {
  console.error(`pod-docker-run: cannot carry over: ${unsupported.join(', ')}`);
  process.exit(1);
}
process.stdout.write(out.map((arg) => `${arg}\0`).join(''));
