{{/*
Refuses value combinations that the schema cannot express or that the gateway would refuse at boot
(cross-field rules of libs/config/src/cross-field-rules.ts), so a bad install fails at `helm install`
instead of crash-looping. One message lists every problem. Included from NOTES.txt and configmap.yaml
(`helm lint` does not render NOTES.txt); the schema enum checks are repeated here for
`--skip-schema-validation`.
*/}}
{{- define "external-proxy.validate" -}}
{{- $problems := list }}
{{- $v := .Values }}
{{- $config := $v.config }}

{{- /* Upstream: every route needs the ingress gateway URL or its own upstream. */}}
{{- if not $v.ingressGateway.url }}
{{- range $index, $route := $config.routes }}
{{- if not $route.upstream }}
{{- $problems = append $problems (printf "config.routes[%d] (%s) has no upstream and ingressGateway.url is not set: pass --set ingressGateway.url=http://istio-ingressgateway.istio-system:80 (your ingress gateway), or give every route in config.routes an upstream" $index (default $route.path $route.name)) }}
{{- end }}
{{- end }}
{{- end }}

{{- /* Routes: duplicates would shadow each other (the gateway refuses them). */}}
{{- $seenPaths := dict }}
{{- $seenNames := dict }}
{{- range $index, $route := $config.routes }}
{{- $key := printf "%s %s" (ternary "prefix" "exact" (eq $route.prefix true)) $route.path }}
{{- if hasKey $seenPaths $key }}
{{- $problems = append $problems (printf "config.routes[%d].path duplicates config.routes[%v] (%s)" $index (get $seenPaths $key) $key) }}
{{- else }}
{{- $_ := set $seenPaths $key $index }}
{{- end }}
{{- if $route.name }}
{{- if hasKey $seenNames $route.name }}
{{- $problems = append $problems (printf "config.routes[%d].name duplicates config.routes[%v] (%s)" $index (get $seenNames $route.name) $route.name) }}
{{- else }}
{{- $_ := set $seenNames $route.name $index }}
{{- end }}
{{- end }}
{{- end }}

{{- /* Zipkin: encodings exist for one API version only. */}}
{{- $api := $config.zipkin.apiVersion }}
{{- $encoding := $config.zipkin.encoding }}
{{- if and (eq $api "v1") (eq $encoding "proto3") }}
{{- $problems = append $problems "config.zipkin.encoding proto3 exists only for Zipkin v2: with config.zipkin.apiVersion v1 use json or thrift" }}
{{- end }}
{{- if and (eq $api "v2") (eq $encoding "thrift") }}
{{- $problems = append $problems "config.zipkin.encoding thrift exists only for Zipkin v1: with config.zipkin.apiVersion v2 use json or proto3" }}
{{- end }}
{{- if gt (int64 $config.spanExport.initialBackoffMs) (int64 $config.spanExport.maxBackoffMs) }}
{{- $problems = append $problems "config.spanExport.initialBackoffMs must not exceed config.spanExport.maxBackoffMs" }}
{{- end }}
{{- if gt (int64 $config.spanExport.messageMaxBytes) (int64 $config.spanExport.queuedMaxBytes) }}
{{- $problems = append $problems "config.spanExport.messageMaxBytes must not exceed config.spanExport.queuedMaxBytes" }}
{{- end }}

{{- /* Collector secret: one source. */}}
{{- if and $v.zipkin.existingSecret (or $v.zipkin.endpoint $v.zipkin.headers) }}
{{- $problems = append $problems "zipkin.existingSecret is set together with zipkin.endpoint/zipkin.headers: use one source for the collector secret" }}
{{- end }}
{{- if and $v.zipkin.existingSecret (not $v.zipkin.existingSecretKeys.endpoint) }}
{{- $problems = append $problems "zipkin.existingSecretKeys.endpoint must name the key of the collector URL in zipkin.existingSecret" }}
{{- end }}
{{- if and $v.zipkin.headers (not $v.zipkin.endpoint) (not $v.zipkin.existingSecret) }}
{{- $problems = append $problems "zipkin.headers is set but zipkin.endpoint is empty: headers are only sent to a collector" }}
{{- end }}

{{- /* OTLP secret: one source, and present when OTLP is exported. */}}
{{- if and $v.otlp.existingSecret (or $v.otlp.endpoint $v.otlp.headers) }}
{{- $problems = append $problems "otlp.existingSecret is set together with otlp.endpoint/otlp.headers: use one source for the OTLP secret" }}
{{- end }}
{{- if and $v.otlp.existingSecret (not $v.otlp.existingSecretKeys.endpoint) }}
{{- $problems = append $problems "otlp.existingSecretKeys.endpoint must name the key of the OTLP URL in otlp.existingSecret" }}
{{- end }}
{{- if and (has "otlp" $config.tracing.exporters) (not $v.otlp.endpoint) (not $v.otlp.existingSecret) }}
{{- $problems = append $problems "config.tracing.exporters lists otlp: set otlp.endpoint or otlp.existingSecret" }}
{{- end }}
{{- if and $v.otlp.headers (not $v.otlp.endpoint) (not $v.otlp.existingSecret) }}
{{- $problems = append $problems "otlp.headers is set but otlp.endpoint is empty: headers are only sent to a collector" }}
{{- end }}

{{- /* Ports. */}}
{{- if eq (int64 $config.server.port) (int64 $config.server.adminPort) }}
{{- $problems = append $problems "config.server.port and config.server.adminPort must differ" }}
{{- end }}

{{- /* Shutdown: the grace period must cover the preStop pause, the drain and the span flush. */}}
{{- if not (kindIs "invalid" $v.shutdown.terminationGracePeriodSeconds) }}
{{- $needed := include "external-proxy.shutdownSeconds" . | int64 }}
{{- if le (int64 $v.shutdown.terminationGracePeriodSeconds) $needed }}
{{- $problems = append $problems (printf "shutdown.terminationGracePeriodSeconds (%v) must exceed shutdown.preStopSleepSeconds + config.server.drainTimeoutMs + config.spanExport.closeTimeoutMs = %d s; leave it null to compute it" $v.shutdown.terminationGracePeriodSeconds $needed) }}
{{- end }}
{{- end }}

{{- /* Availability. */}}
{{- if and $v.autoscaling.enabled (gt (int64 $v.autoscaling.minReplicas) (int64 $v.autoscaling.maxReplicas)) }}
{{- $problems = append $problems "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- if and $v.autoscaling.enabled (not (dig "requests" "cpu" "" $v.resources)) }}
{{- $problems = append $problems "autoscaling needs resources.requests.cpu: the CPU target is a percentage of it" }}
{{- end }}

{{- /* Environment the chart derives from values: an override would desynchronise ports, probes, grace period or secrets. */}}
{{- $reserved := dict "CONFIG_FILE" "config" "ROUTES_FILE" "config.routes" "GATEWAY_PORT" "config.server.port" "ADMIN_PORT" "config.server.adminPort" "DRAIN_TIMEOUT_MS" "config.server.drainTimeoutMs" "SPAN_EXPORT_CLOSE_TIMEOUT_MS" "config.spanExport.closeTimeoutMs" "INGRESS_GATEWAY_URL" "ingressGateway.url" "OTEL_EXPORTER_ZIPKIN_ENDPOINT" "zipkin.endpoint or zipkin.existingSecret" "ZIPKIN_HEADERS" "zipkin.headers or zipkin.existingSecretKeys.headers" "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" "otlp.endpoint or otlp.existingSecret" "OTEL_EXPORTER_OTLP_TRACES_HEADERS" "otlp.headers or otlp.existingSecretKeys.headers" }}
{{- range $v.extraEnv }}
{{- if hasKey $reserved .name }}
{{- $problems = append $problems (printf "extraEnv must not set %s: the chart sets it from %s" .name (get $reserved .name)) }}
{{- end }}
{{- end }}

{{- /* NetworkPolicy: the collector port must be known when the URL lives in an existing Secret. */}}
{{- if and $v.networkPolicy.enabled $v.zipkin.existingSecret (not $v.networkPolicy.egress.collector.ports) }}
{{- $problems = append $problems "networkPolicy.egress.collector.ports is required with zipkin.existingSecret (the chart cannot read the collector URL to derive its port)" }}
{{- end }}
{{- if and $v.networkPolicy.enabled $v.otlp.existingSecret (not $v.networkPolicy.egress.otlpCollector.ports) }}
{{- $problems = append $problems "networkPolicy.egress.otlpCollector.ports is required with otlp.existingSecret (the chart cannot read the OTLP URL to derive its port)" }}
{{- end }}

{{- if $problems }}
{{- fail (printf "\n\nexternal-proxy: invalid values (%d problem%s):\n  - %s\n" (len $problems) (ternary "" "s" (eq (len $problems) 1)) (join "\n  - " $problems)) }}
{{- end }}
{{- end }}
