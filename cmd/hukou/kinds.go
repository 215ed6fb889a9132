package main

import (
	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/certificate"
	"hukou/domain/idcard"
	"hukou/domain/migration"
	"hukou/integrations/fingerprint"
	"hukou/integrations/ministry"
	"hukou/integrations/production"
	"hukou/integrations/province"
)

// kinds are the business kinds this binary serves, each a module of the
// case engine. Adding a kind adds its field, its constructor line and its
// entry in modules (docs/adding-a-kind.md).
type kinds struct {
	birth       *birth.Service
	migration   *migration.Service
	certificate *certificate.Service
	idcard      *idcard.Service
}

// kindDeps are what the kinds' modules are built from.
type kindDeps struct {
	cases    *domain.CaseService
	ministry *ministry.Client
	province *province.Client
	// production is the ID card production centre.
	production *production.Client
	renderer   domain.DocumentRenderer
	docs       domain.DocumentKeeper
	idcard     idcard.Config
	// licences issues and keeps the e-licences the kinds use (4.1.2).
	licences *domain.LicenceService
}

func newKinds(d kindDeps) kinds {
	k := kinds{
		birth:       birth.New(d.cases, d.ministry, d.province, d.renderer, d.docs),
		migration:   migration.New(d.cases, d.ministry, d.province, d.renderer, d.docs),
		certificate: certificate.New(d.cases, d.ministry, d.province, d.province, d.renderer, d.docs),
		idcard:      idcard.New(d.cases, d.ministry, d.province, d.production, fingerprint.Matcher{}, d.docs, d.idcard),
	}
	k.birth.Licences, k.migration.Licences, k.idcard.Licences = d.licences, d.licences, d.licences // 4.1.2
	return k
}

// modules lists every kind's module, to register with the engine.
func (k kinds) modules() []domain.Module {
	return []domain.Module{k.birth, k.migration, k.certificate, k.certificate.Info(), k.idcard}
}
