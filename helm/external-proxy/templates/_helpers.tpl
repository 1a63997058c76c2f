{{/*
Chart name, overridable by nameOverride.
*/}}
{{- define "external-proxy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, at most 63 characters (DNS-1123 label limit of Service and other names).
A release name that already contains the chart name is used alone.
*/}}
{{- define "external-proxy.fullname" -}}
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

{{/*
fullname plus a suffix, still at most 63 characters: the fullname is shortened, never the suffix.
Usage: include "external-proxy.suffixedName" (list . "admin")
*/}}
{{- define "external-proxy.suffixedName" -}}
{{- $ctx := index . 0 }}
{{- $suffix := index . 1 }}
{{- $base := include "external-proxy.fullname" $ctx | trunc (int (sub 62 (len $suffix))) | trimSuffix "-" }}
{{- printf "%s-%s" $base $suffix }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "external-proxy.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: only name and instance, so they never change across upgrades (selectors are immutable).
*/}}
{{- define "external-proxy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "external-proxy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Common labels, on every object.
*/}}
{{- define "external-proxy.labels" -}}
helm.sh/chart: {{ include "external-proxy.chart" . }}
{{ include "external-proxy.selectorLabels" . }}
app.kubernetes.io/version: {{ include "external-proxy.imageTag" . | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: external-proxy
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Labels of the `helm test` pod: a different name, so no Service, PDB or NetworkPolicy selector picks it.
*/}}
{{- define "external-proxy.testLabels" -}}
helm.sh/chart: {{ include "external-proxy.chart" . }}
app.kubernetes.io/name: {{ include "external-proxy.name" . | trunc 58 | trimSuffix "-" }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: external-proxy
app.kubernetes.io/component: test
{{- end }}

{{/*
ServiceAccount name.
*/}}
{{- define "external-proxy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "external-proxy.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "external-proxy.imageTag" -}}
{{- default .Chart.AppVersion (toString (.Values.image.tag | default "")) }}
{{- end }}

{{/*
Image reference: repository@digest when a digest is set, else repository:tag (tag defaults to appVersion).
*/}}
{{- define "external-proxy.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (include "external-proxy.imageTag" .) }}
{{- end }}
{{- end }}

{{/*
The app's config file: config values plus the top-level ingressGateway.url. The collector URL and headers
are secrets and never appear here.
*/}}
{{- define "external-proxy.configFile" -}}
{{- $config := deepCopy .Values.config }}
{{- if .Values.ingressGateway.url }}
{{- $_ := set $config.ingressGateway "url" .Values.ingressGateway.url }}
{{- end }}
{{- /* `--set config.tracing.samplerArg=0.1` arrives as the string "0.1": helm's --set types only integers,
       booleans and null. The schema accepts a decimal string there; the gateway gets a number. */}}
{{- range (prepend (default list $config.routes) $config.tracing) }}
{{- if kindIs "string" .samplerArg }}
{{- $_ := set . "samplerArg" (float64 .samplerArg) }}
{{- end }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/*
Where the config file is mounted (a directory: a mount nested in a ConfigMap volume cannot be created).
*/}}
{{- define "external-proxy.configDir" -}}
/etc/external-proxy/config
{{- end }}

{{/*
Secret holding the collector URL: the chart's own, or zipkin.existingSecret. Empty when neither is set.
*/}}
{{- define "external-proxy.secretName" -}}
{{- if .Values.zipkin.existingSecret }}
{{- .Values.zipkin.existingSecret }}
{{- else if or .Values.zipkin.endpoint .Values.zipkin.headers }}
{{- include "external-proxy.fullname" . }}
{{- end }}
{{- end }}

{{- define "external-proxy.createSecret" -}}
{{- if or (include "external-proxy.zipkinInChartSecret" .) (include "external-proxy.otlpInChartSecret" .) }}true{{ end }}
{{- end }}

{{- define "external-proxy.zipkinInChartSecret" -}}
{{- if and (not .Values.zipkin.existingSecret) (or .Values.zipkin.endpoint .Values.zipkin.headers) }}true{{ end }}
{{- end }}

{{- define "external-proxy.otlpInChartSecret" -}}
{{- if and (not .Values.otlp.existingSecret) (or .Values.otlp.endpoint .Values.otlp.headers) }}true{{ end }}
{{- end }}

{{/*
Secret holding the OTLP URL and headers: otlp.existingSecret, else the chart's Secret when it holds them.
*/}}
{{- define "external-proxy.otlpSecretName" -}}
{{- if .Values.otlp.existingSecret }}
{{- .Values.otlp.existingSecret }}
{{- else if or .Values.otlp.endpoint .Values.otlp.headers }}
{{- include "external-proxy.fullname" . }}
{{- end }}
{{- end }}

{{/*
ZIPKIN_HEADERS value: name=value,name2=value2 (sorted by name). The app percent-decodes values, so `%`
and `,` are encoded; spaces stay literal (decodeURIComponent would not turn `+` into a space).
*/}}
{{- define "external-proxy.headersEnv" -}}
{{- include "external-proxy.headerList" .Values.zipkin.headers }}
{{- end }}

{{- define "external-proxy.headerList" -}}
{{- $pairs := list }}
{{- range $name, $value := . }}
{{- $pairs = append $pairs (printf "%s=%s" $name (toString $value | replace "%" "%25" | replace "," "%2C")) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/*
Seconds to wait after the preStop pause for drain and span flush, rounded up.
*/}}
{{- define "external-proxy.shutdownSeconds" -}}
{{- $drain := int64 .Values.config.server.drainTimeoutMs }}
{{- $close := int64 .Values.config.spanExport.closeTimeoutMs }}
{{- add .Values.shutdown.preStopSleepSeconds (div (add $drain 999) 1000) (div (add $close 999) 1000) }}
{{- end }}

{{/*
terminationGracePeriodSeconds: the explicit value, or preStop + drain + close + margin.
*/}}
{{- define "external-proxy.terminationGracePeriodSeconds" -}}
{{- if kindIs "invalid" .Values.shutdown.terminationGracePeriodSeconds }}
{{- add (include "external-proxy.shutdownSeconds" . | int64) .Values.shutdown.graceMarginSeconds }}
{{- else }}
{{- int64 .Values.shutdown.terminationGracePeriodSeconds }}
{{- end }}
{{- end }}

{{/*
TCP port of an http(s) URL: the explicit port, else 80 or 443 by scheme.
*/}}
{{- define "external-proxy.urlPort" -}}
{{- $url := urlParse . }}
{{- $port := regexFind ":[0-9]+$" $url.host | trimPrefix ":" }}
{{- if $port }}{{ $port }}{{ else if eq $url.scheme "https" }}443{{ else }}80{{ end }}
{{- end }}

{{/*
Ports of the ingress gateway and every route upstream, deduplicated, as a JSON list of integers.
*/}}
{{- define "external-proxy.upstreamPorts" -}}
{{- $ports := list }}
{{- if .Values.networkPolicy.egress.ingressGateway.ports }}
{{- $ports = .Values.networkPolicy.egress.ingressGateway.ports }}
{{- else }}
{{- if .Values.ingressGateway.url }}
{{- $ports = append $ports (include "external-proxy.urlPort" .Values.ingressGateway.url | int) }}
{{- end }}
{{- range .Values.config.routes }}
{{- if .upstream }}
{{- $ports = append $ports (include "external-proxy.urlPort" .upstream | int) }}
{{- end }}
{{- end }}
{{- end }}
{{- uniq $ports | toJson }}
{{- end }}

{{/*
Collector ports as a JSON list: the configured ones, else the port of zipkin.endpoint.
*/}}
{{- define "external-proxy.collectorPorts" -}}
{{- if .Values.networkPolicy.egress.collector.ports }}
{{- uniq .Values.networkPolicy.egress.collector.ports | toJson }}
{{- else if and .Values.zipkin.endpoint (not .Values.zipkin.existingSecret) }}
{{- list (include "external-proxy.urlPort" .Values.zipkin.endpoint | int) | toJson }}
{{- else }}
{{- list | toJson }}
{{- end }}
{{- end }}

{{- define "external-proxy.otlpCollectorPorts" -}}
{{- if .Values.networkPolicy.egress.otlpCollector.ports }}
{{- uniq .Values.networkPolicy.egress.otlpCollector.ports | toJson }}
{{- else if and .Values.otlp.endpoint (not .Values.otlp.existingSecret) }}
{{- list (include "external-proxy.urlPort" .Values.otlp.endpoint | int) | toJson }}
{{- else }}
{{- list | toJson }}
{{- end }}
{{- end }}

{{/*
The route the `helm test` pod calls: path, method and accepted statuses.
*/}}
{{- define "external-proxy.testRoute" -}}
{{- $first := first .Values.config.routes }}
{{- $path := default $first.path .Values.tests.route.path }}
{{- $method := .Values.tests.route.method }}
{{- if not $method }}
{{- $method = $first.methods | default (list "GET") | first }}
{{- end }}
{{- dict "path" $path "method" $method "expectStatus" .Values.tests.route.expectStatus | toJson }}
{{- end }}
