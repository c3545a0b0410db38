#!/usr/bin/env bash
# Regenerates crds/ from the Java model (operator/api) and checks them in place.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl operator/api test -Dtcptune.updateCrds=true -Dtest=CrdsUpToDateTest -Dsurefire.failIfNoSpecifiedTests=false
# The chart carries the same CRDs (ChartIT fails when they differ).
cp crds/*.yaml helm/tcptune/crds/
git status --short crds/ helm/tcptune/crds/
