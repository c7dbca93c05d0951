{{- define "egress-control.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "egress-control.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Helm's own labels: never app.kubernetes.io/managed-by=egress-control, which marks what the reconciler prunes. */}}
{{- define "egress-control.labels" -}}
app.kubernetes.io/name: {{ include "egress-control.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "egress-control.selectorLabels" -}}
app.kubernetes.io/name: {{ include "egress-control.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: console
{{- end -}}

{{- define "egress-control.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "egress-control.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "egress-control.databaseSecret" -}}
{{- if .Values.database.existingSecret -}}
{{- .Values.database.existingSecret -}}
{{- else -}}
{{- printf "%s-database" (include "egress-control.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "egress-control.secretKeySecret" -}}
{{- if .Values.secretKey.existingSecret -}}
{{- .Values.secretKey.existingSecret -}}
{{- else -}}
{{- printf "%s-secret-key" (include "egress-control.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The resources the reconciler writes besides NetworkPolicies, by API group (reconcile/kube/resources.ts). */}}
{{- define "egress-control.gatewayRules" -}}
- apiGroups: [""]
  resources: ["configmaps", "services"]
  verbs: ["get", "list", "create", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "create", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "create", "patch", "delete"]
{{- end -}}
