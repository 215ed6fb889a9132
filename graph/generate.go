// Package graph holds the GraphQL schema (schema/*.graphqls) and the code
// gqlgen generates from it; generated files are never edited by hand.
package graph

//go:generate go tool gqlgen generate --config ../gqlgen.yml
