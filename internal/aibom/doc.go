// Package aibom reads asset files from AI bills of materials and model
// cards: CycloneDX 1.4 to 1.7 (JSON and XML, with ML-BOM models, data and
// model cards), SPDX 3 JSON-LD with its AI and dataset profiles, Hugging
// Face model and dataset cards (README.md with YAML front matter) and the
// isms asset CSV (csv.md), which it also writes. It turns them into asset
// descriptions for the application to store; it does no database work.
//
// What becomes an asset. The inventory of an ISMS holds what must be
// protected and accounted for, not every package a build pulled in, so:
//
//   - CycloneDX: machine-learning-model components are models, data
//     components datasets, application components applications (the BOM's
//     metadata.component too). Services are third-party AI services when a
//     model depends on them or they on a model, or when they are tagged ai,
//     ml, llm, genai or machine-learning; other services are left out.
//     Libraries, frameworks, files, containers, platforms, operating
//     systems, devices, firmware and cryptographic assets are left out with
//     a warning that counts them. Datasets written inline in a model card
//     (modelCard.modelParameters.datasets) become datasets of their own.
//   - SPDX 3: ai_AIPackage elements are models, dataset_DatasetPackage
//     elements datasets, and software packages whose primary purpose is
//     application (or that an SBOM names as its root without a purpose)
//     applications. Relationships between files are lifted through
//     "contains" to the packages that hold them, so a model file trained
//     on data files becomes the model trained on the dataset.
//   - A Hugging Face card is one model, or one dataset when its metadata or
//     heading is a dataset card's.
//
// Keys. Asset.Key identifies an asset within its source so that importing
// the same file again updates the same assets: the bom-ref, else the purl,
// else group/name@version (CycloneDX); the spdxId (SPDX); the model or
// dataset id (Hugging Face); the key column (CSV). Keys never depend on the
// order of the file or on chance.
//
// Relations. A relation's TargetKey names an asset of the same result or,
// for ids a file only mentions (a card's base model and datasets, a
// CycloneDX model's pedigree), an asset the organisation may have imported
// from elsewhere under that key; the application links what it can
// resolve. Relations to things the file holds but that are not imported (a
// model depending on a library) are left out with a warning.
//
// Errors. A file is taken whole or not at all: on any problem the parsers
// return Problems, naming the file, the line and the field of each, and no
// Result. What can be read but is worth knowing (a truncated description,
// a left-out library) comes back in Result.Warnings.
package aibom
