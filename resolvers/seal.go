package resolvers

import "hukou/domain"

// errSealsOff answers the seal fields on a server without electronic seals.
var errSealsOff = domain.Errorf(domain.CodeUnavailable, "electronic seals are not configured on this server").WithReason("seal.unconfigured")

// errLicencesOff answers the licence fields on a server without the e-licence service.
var errLicencesOff = domain.Errorf(domain.CodeUnavailable, "electronic licences are not configured on this server").WithReason("licence.unconfigured")
