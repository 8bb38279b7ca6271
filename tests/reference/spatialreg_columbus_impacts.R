# Simulated standard errors of the effects of the spatial beta-convergence models (SAR, SDM) of
# resilience:convergence, on the data of spatialreg_columbus.R (spData's columbus, CRIME ~ INC + HOVAL,
# queen contiguity col.gal.nb, row-standardised, eigenvalue method): R spatialreg's impacts(..., R = 20000)
# draws the coefficients from their asymptotic normal distribution, as core/econometrics/effects.py does
# (with another random stream, so the tests compare at Monte-Carlo precision).
#
# Run from the repository root:
#   Rscript tests/reference/spatialreg_columbus_impacts.R > tests/reference/spatialreg_columbus_impacts.csv
# Produced with R 4.2.2, spdep 1.2-7, spatialreg 1.2-6, spData 2.2.1 (Debian r-cran-* packages).
suppressPackageStartupMessages({
  library(spdep)
  library(spatialreg)
  library(spData)
})
data(columbus, package = "spData")
lw <- nb2listw(col.gal.nb, style = "W")
f <- CRIME ~ INC + HOVAL
cat("model,key,value\n")
simulated <- function(model, fit) {
  set.seed(1)
  s <- summary(impacts(fit, listw = lw, R = 20000), zstats = TRUE, short = TRUE)
  for (term in rownames(s$semat)) {
    for (kind in c("Direct", "Indirect", "Total")) {
      cat(sprintf("%s,se_%s:%s,%.12g\n", model, tolower(kind), term, s$semat[term, kind]))
    }
  }
}
simulated("sar", lagsarlm(f, data = columbus, listw = lw, method = "eigen"))
simulated("sdm", lagsarlm(f, data = columbus, listw = lw, method = "eigen", Durbin = TRUE))
