// Package domain holds hukou's entities, their rules and the use cases that
// change them: the household register (offices, households, residents), users
// and their roles, the audit log, and the ports (interfaces) that storage and
// integrations implement. It imports only the standard library and small leaf
// libraries; a test in this package enforces that.
//
// Cross-province handling works office to office: a citizen applies at the
// acceptance office (side ACCEPTANCE); the case travels through the
// collaboration platform to the registration office (side REGISTRATION) that
// holds the hukou, which decides and completes it; feedback travels back.
package domain
