{{/*
Names. Kubernetes names are at most 63 characters (DNS labels), so every name is truncated to 63
and a trailing "-" is trimmed; component suffixes are added before truncating.
*/}}

{{- define "sidecarset.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sidecarset.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
A component's object name: "<fullname>-<component>", at most 63 characters. The full name is cut to
make room for the suffix (cutting the whole string would give two components the same name).
*/}}
{{- define "sidecarset.componentName" -}}
{{- $room := sub 62 (len .component) | int -}}
{{- printf "%s-%s" (include "sidecarset.fullname" .root | trunc $room | trimSuffix "-") .component -}}
{{- end -}}

{{- define "sidecarset.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "sidecarset.labels" -}}
helm.sh/chart: {{ include "sidecarset.chart" . }}
app.kubernetes.io/name: {{ include "sidecarset.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sidecarset
{{- end -}}

{{/* Selector labels of one component: {root, component}. */}}
{{- define "sidecarset.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sidecarset.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "sidecarset.componentLabels" -}}
{{ include "sidecarset.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "sidecarset.controller.serviceAccountName" -}}
{{- if .Values.controller.serviceAccount.create -}}
{{- default (include "sidecarset.componentName" (dict "root" . "component" "controller")) .Values.controller.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.controller.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "sidecarset.webhook.serviceAccountName" -}}
{{- if .Values.webhook.serviceAccount.create -}}
{{- default (include "sidecarset.componentName" (dict "root" . "component" "webhook")) .Values.webhook.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.webhook.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "sidecarset.controller.leaseName" -}}
{{- default (include "sidecarset.componentName" (dict "root" . "component" "controller")) .Values.controller.leaderElection.leaseName -}}
{{- end -}}

{{- define "sidecarset.webhook.certSecretName" -}}
{{- if .Values.webhook.certificate.existingSecret -}}
{{- .Values.webhook.certificate.existingSecret -}}
{{- else -}}
{{- default (include "sidecarset.componentName" (dict "root" . "component" "webhook-cert")) .Values.webhook.certificate.secretName -}}
{{- end -}}
{{- end -}}

{{- define "sidecarset.webhook.serviceName" -}}
{{- include "sidecarset.componentName" (dict "root" . "component" "webhook") -}}
{{- end -}}

{{- define "sidecarset.webhook.mutatingName" -}}
{{- include "sidecarset.componentName" (dict "root" . "component" "mutating") -}}
{{- end -}}

{{- define "sidecarset.webhook.validatingName" -}}
{{- include "sidecarset.componentName" (dict "root" . "component" "validating") -}}
{{- end -}}

{{/* Replicas of a component: {root, values}; one per component in local mode (host ports). */}}
{{- define "sidecarset.replicas" -}}
{{- if .root.Values.local.enabled -}}1{{- else -}}{{ .values.replicas }}{{- end -}}
{{- end -}}

{{- define "sidecarset.pullPolicy" -}}
{{- if .root.Values.local.enabled -}}Never{{- else -}}{{ .values.image.pullPolicy }}{{- end -}}
{{- end -}}

{{/* The host the webhook's admission endpoints are reached at when local mode uses a URL. */}}
{{- define "sidecarset.webhook.localUrl" -}}
{{- printf "https://%s:%d%s" .root.Values.local.webhookHost (int .root.Values.webhook.port) .path -}}
{{- end -}}

{{/* Pod-level settings shared by both Deployments: {root, values}. */}}
{{- define "sidecarset.podCommon" -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .root.Values.local.enabled }}
hostNetwork: true
dnsPolicy: ClusterFirstWithHostNet
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir: {}
{{- end -}}

{{/* Env vars shared by both containers. */}}
{{- define "sidecarset.commonEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- if .root.Values.local.enabled }}
# no kube-proxy: the in-cluster client reaches the apiserver directly (explicit env wins)
- name: KUBERNETES_SERVICE_HOST
  value: {{ .root.Values.local.apiServerHost | quote }}
- name: KUBERNETES_SERVICE_PORT
  value: {{ .root.Values.local.apiServerPort | quote }}
{{- end }}
- name: SIDECARSET_LOG_LEVEL
  value: {{ .values.logLevel | quote }}
- name: JAVA_TOOL_OPTIONS
  value: {{ .values.javaToolOptions | quote }}
{{- with .values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
