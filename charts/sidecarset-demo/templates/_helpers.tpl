{{- define "demo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "demo.fullname" -}}
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

{{- define "demo.sidecarSetName" -}}
{{- default (printf "%s-proxy" (include "demo.fullname" . | trunc 57 | trimSuffix "-")) .Values.sidecarSet.name -}}
{{- end -}}

{{- define "demo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{ include "demo.selectorLabels" . }}
{{- end -}}

{{/* The app's pods carry these, and the SidecarSet selects on them. */}}
{{- define "demo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "demo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "demo.proxyListen" -}}
{{- $host := default (ternary "127.0.0.1" "0.0.0.0" .Values.local.enabled) .Values.sidecarSet.proxy.listenAddress -}}
{{- printf "%s:%d" $host (int .Values.sidecarSet.proxy.port) -}}
{{- end -}}
