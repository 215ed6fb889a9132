package model

// Node is any object the schema's Node interface covers. It is empty so
// domain types stay free of GraphQL methods; resolvers compute global IDs.
type Node interface{}
