{{/*
Named templates. Those marked PUBLIC are the chart's interface for other charts: they take a
context with "Values" (this chart's values) and "Release", plus "nativeSidecar" (bool) for the
container. From a parent chart that depends on this one:

  {{- $otel := dict "Values" (index .Values "otel-sidecar") "Release" .Release "nativeSidecar" true }}
  initContainers:
    {{- include "otel-sidecar.container" $otel | nindent 4 }}
  containers:
    - name: gateway
      volumeMounts:
        {{- include "otel-sidecar.socketVolumeMount" $otel | nindent 8 }}
  volumes:
    {{- include "otel-sidecar.volumes" $otel | nindent 4 }}

and, on the pod template, the annotation
  checksum/otel-sidecar-config: {{ include "otel-sidecar.configChecksum" $otel }}
*/}}

{{/* The chart's appVersion, for contexts without this chart's .Chart (tests keep it equal to Chart.yaml). */}}
{{- define "otel-sidecar.appVersion" -}}
0.1.0
{{- end }}

{{- define "otel-sidecar.name" -}}
{{- default "otel-sidecar" .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* PUBLIC: the name prefix of this release's objects. */}}
{{- define "otel-sidecar.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "otel-sidecar.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* PUBLIC: the ConfigMap holding config.yaml. */}}
{{- define "otel-sidecar.configMapName" -}}
{{- printf "%s-config" (include "otel-sidecar.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* PUBLIC: the Secret mounted at /etc/otel-sidecar/secrets ("" when there is none). */}}
{{- define "otel-sidecar.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else if .Values.secrets.create }}
{{- printf "%s-secrets" (include "otel-sidecar.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "otel-sidecar.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "otel-sidecar.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "otel-sidecar.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "otel-sidecar.selectorLabels" -}}
app.kubernetes.io/name: {{ include "otel-sidecar.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "otel-sidecar.labels" -}}
helm.sh/chart: {{ include "otel-sidecar.chart" . }}
{{ include "otel-sidecar.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: telemetry-sidecar
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* PUBLIC: the image reference. */}}
{{- define "otel-sidecar.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default (include "otel-sidecar.appVersion" .)) }}
{{- end }}
{{- end }}

{{/*
PUBLIC: the sidecar's config.yaml: .Values.config, with .Values.standalone.config merged over it
when the standalone install is enabled.
*/}}
{{- define "otel-sidecar.config" -}}
{{- $cfg := deepCopy .Values.config }}
{{- if .Values.standalone.enabled }}
{{- $cfg = mustMergeOverwrite $cfg (deepCopy (.Values.standalone.config | default dict)) }}
{{- end }}
{{- toYaml $cfg }}
{{- end }}

{{/* PUBLIC: a checksum of config.yaml, for a pod annotation that rolls the pods when it changes. */}}
{{- define "otel-sidecar.configChecksum" -}}
{{- include "otel-sidecar.config" . | sha256sum }}
{{- end }}

{{/* The port of a listen address "host:port" ("" when there is none). */}}
{{- define "otel-sidecar.listenPort" -}}
{{- regexFind "[0-9]+$" (toString .) }}
{{- end }}

{{/*
PUBLIC: the sidecar container, as a list item. With "nativeSidecar" true it carries
restartPolicy: Always, to be placed under initContainers (a Kubernetes native sidecar: it starts,
and passes its startup probe, before the main containers, and stops after them).
*/}}
{{- define "otel-sidecar.container" -}}
{{- $cfg := include "otel-sidecar.config" . | fromYaml }}
{{- $otlp := dig "receivers" "otlp" dict $cfg }}
{{- $grpcPort := "" }}
{{- if dig "grpc" "enabled" true $otlp }}
{{- $grpcPort = include "otel-sidecar.listenPort" (dig "grpc" "endpoint" "127.0.0.1:4317" $otlp) }}
{{- end }}
{{- $httpPort := "" }}
{{- if dig "http" "enabled" true $otlp }}
{{- $httpPort = include "otel-sidecar.listenPort" (dig "http" "endpoint" "127.0.0.1:4318" $otlp) }}
{{- end }}
{{- $metricsPort := include "otel-sidecar.listenPort" (dig "prometheus" "endpoint" "127.0.0.1:9464" $cfg) }}
{{- $readyPath := dig "health" "ready_path" "/readyz" $cfg }}
{{- $livePath := dig "health" "live_path" "/healthz" $cfg -}}
- name: otel-sidecar
  image: {{ include "otel-sidecar.image" . | quote }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  {{- if get . "nativeSidecar" }}
  restartPolicy: Always
  {{- end }}
  args:
    - run
    - --config
    - /etc/otel-sidecar/config/config.yaml
    {{- range .Values.extraArgs }}
    - {{ . | quote }}
    {{- end }}
  ports:
    {{- if $grpcPort }}
    - name: otlp-grpc
      containerPort: {{ $grpcPort | int }}
      protocol: TCP
    {{- end }}
    {{- if $httpPort }}
    - name: otlp-http
      containerPort: {{ $httpPort | int }}
      protocol: TCP
    {{- end }}
    - name: metrics
      containerPort: {{ $metricsPort | int }}
      protocol: TCP
  env:
    {{- if .Values.kubernetesResourceAttributes }}
    - name: K8S_POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: K8S_NAMESPACE_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
    - name: K8S_NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    - name: OTEL_RESOURCE_ATTRIBUTES
      value: k8s.pod.name=$(K8S_POD_NAME),k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.node.name=$(K8S_NODE_NAME)
    {{- end }}
    {{- with .Values.extraEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.probes.startup }}
  {{- if .enabled }}
  startupProbe:
    httpGet:
      path: {{ $readyPath }}
      port: metrics
    periodSeconds: {{ .periodSeconds }}
    timeoutSeconds: {{ .timeoutSeconds }}
    failureThreshold: {{ .failureThreshold }}
  {{- end }}
  {{- end }}
  {{- with .Values.probes.readiness }}
  {{- if .enabled }}
  readinessProbe:
    httpGet:
      path: {{ $readyPath }}
      port: metrics
    periodSeconds: {{ .periodSeconds }}
    timeoutSeconds: {{ .timeoutSeconds }}
    failureThreshold: {{ .failureThreshold }}
  {{- end }}
  {{- end }}
  {{- with .Values.probes.liveness }}
  {{- if .enabled }}
  livenessProbe:
    httpGet:
      path: {{ $livePath }}
      port: metrics
    periodSeconds: {{ .periodSeconds }}
    timeoutSeconds: {{ .timeoutSeconds }}
    failureThreshold: {{ .failureThreshold }}
  {{- end }}
  {{- end }}
  {{- with .Values.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: otel-sidecar-config
      mountPath: /etc/otel-sidecar/config
      readOnly: true
    {{- if include "otel-sidecar.secretName" . }}
    - name: otel-sidecar-secrets
      mountPath: /etc/otel-sidecar/secrets
      readOnly: true
    {{- end }}
    {{- if .Values.tls.existingSecret }}
    - name: otel-sidecar-tls
      mountPath: /etc/otel-sidecar/tls
      readOnly: true
    {{- end }}
    - name: otel-sidecar-run
      mountPath: /run/otel-sidecar
    - name: otel-sidecar-spill
      mountPath: /var/lib/otel-sidecar
    {{- with .Values.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}

{{/* PUBLIC: the sidecar's pod volumes, as list items. */}}
{{- define "otel-sidecar.volumes" -}}
- name: otel-sidecar-config
  configMap:
    name: {{ include "otel-sidecar.configMapName" . }}
{{- with include "otel-sidecar.secretName" . }}
- name: otel-sidecar-secrets
  secret:
    secretName: {{ . }}
    defaultMode: 0440
{{- end }}
{{- with .Values.tls.existingSecret }}
- name: otel-sidecar-tls
  secret:
    secretName: {{ . }}
    defaultMode: 0440
{{- end }}
- name: otel-sidecar-run
  emptyDir:
    {{- with .Values.volumes.run.medium }}
    medium: {{ . }}
    {{- end }}
    {{- with .Values.volumes.run.sizeLimit }}
    sizeLimit: {{ . }}
    {{- end }}
{{- if .Values.volumes.spill.existingClaim }}
- name: otel-sidecar-spill
  persistentVolumeClaim:
    claimName: {{ .Values.volumes.spill.existingClaim }}
{{- else }}
- name: otel-sidecar-spill
  emptyDir:
    {{- with .Values.volumes.spill.sizeLimit }}
    sizeLimit: {{ . }}
    {{- end }}
{{- end }}
{{- end }}

{{/* PUBLIC: the mount that gives another container of the pod the sidecar's sockets. */}}
{{- define "otel-sidecar.socketVolumeMount" -}}
- name: otel-sidecar-run
  mountPath: /run/otel-sidecar
  readOnly: true
{{- end }}
