{{/* The chart's name, or nameOverride. */}}
{{- define "locusta.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every resource: <release>-<name>, or the release alone when it holds the name. */}}
{{- define "locusta.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every resource. */}}
{{- define "locusta.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "locusta.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The labels that select one component's pods: call with (dict "ctx" $ "component" "master"). */}}
{{- define "locusta.selectorLabels" -}}
app.kubernetes.io/name: {{ include "locusta.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "locusta.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "locusta.configMapName" -}}
{{- .Values.locustfile.existingConfigMap | default (printf "%s-locustfile" (include "locusta.fullname" .)) }}
{{- end }}

{{- define "locusta.secretName" -}}
{{- .Values.token.existingSecret | default (printf "%s-token" (include "locusta.fullname" .)) }}
{{- end }}

{{- define "locusta.masterName" -}}
{{- printf "%s-master" (include "locusta.fullname" .) }}
{{- end }}

{{/* Whether /results is a claim: always in mode job, on request in mode deployment. */}}
{{- define "locusta.resultsClaim" -}}
{{- if or (eq .Values.mode "job") .Values.results.persistence.enabled }}
{{- .Values.results.persistence.existingClaim | default (printf "%s-results" (include "locusta.fullname" .)) }}
{{- end }}
{{- end }}

{{/* The environment of master and workers: the token from the Secret, then run.env. */}}
{{- define "locusta.env" -}}
- name: LOCUSTA_MASTER_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "locusta.secretName" . }}
      key: {{ .Values.token.key }}
{{- range $name, $value := .Values.run.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* The master's arguments. */}}
{{- define "locusta.masterArgs" -}}
- --master
- --headless
- --master-bind-port
- {{ .Values.master.port | quote }}
- --expect-workers
- {{ .Values.workers.replicas | quote }}
- --expect-workers-max-wait
- {{ .Values.run.expectWorkersMaxWait | quote }}
- -f
- /mnt/locust/{{ .Values.locustfile.fileName }}
- -H
- {{ .Values.run.host | quote }}
- -u
- {{ .Values.run.users | quote }}
- -r
- {{ .Values.run.spawnRate | quote }}
- -t
- {{ .Values.run.runTime | quote }}
- -s
- {{ .Values.run.stopTimeout | quote }}
- --csv
- {{ .Values.run.csvPrefix | quote }}
{{- range .Values.run.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}

{{/* The worker's arguments. */}}
{{- define "locusta.workerArgs" -}}
- --worker
- --master-host
- {{ include "locusta.masterName" . }}
- --master-port
- {{ .Values.master.port | quote }}
- -f
- /mnt/locust/{{ .Values.locustfile.fileName }}
{{- end }}

{{/* Volumes of every pod: the user file, /tmp (the root filesystem is read-only). */}}
{{- define "locusta.volumeMounts" -}}
- name: locustfile
  mountPath: /mnt/locust
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "locusta.volumes" -}}
- name: locustfile
  configMap:
    name: {{ include "locusta.configMapName" . }}
- name: tmp
  emptyDir: {}
{{- end }}
