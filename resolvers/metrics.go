package resolvers

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	operationsTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "hukou_graphql_operations_total",
		Help: "GraphQL operations by operation name and outcome.",
	}, []string{"operation", "outcome"})
	operationSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "hukou_graphql_operation_seconds",
		Help:    "GraphQL operation latency by operation name.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	}, []string{"operation"})
)

// operationMetrics counts and times every GraphQL operation by name.
type operationMetrics struct{}

func (operationMetrics) ExtensionName() string                   { return "OperationMetrics" }
func (operationMetrics) Validate(graphql.ExecutableSchema) error { return nil }

func (operationMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	name := oc.OperationName
	if name == "" {
		name = "anonymous"
	}
	start := time.Now()
	resp := next(ctx)
	operationSeconds.WithLabelValues(name).Observe(time.Since(start).Seconds())
	outcome := "ok"
	if resp != nil && len(resp.Errors) > 0 {
		outcome = "error"
	}
	operationsTotal.WithLabelValues(name, outcome).Inc()
	return resp
}
