{{/* Labels every object of the release carries. */}}
{{- define "tcptune.labels" -}}
app.kubernetes.io/name: tcptune
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "tcptune.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}

{{/* key=value,... as the operator's TCPTUNE_AGENT_NODE_SELECTOR reads it. */}}
{{- define "tcptune.agentNodeSelector" -}}
{{- $pairs := list -}}
{{- range $k, $v := .Values.agent.nodeSelector -}}
{{- $pairs = append $pairs (printf "%s=%s" $k $v) -}}
{{- end -}}
{{ join "," $pairs }}
{{- end -}}
