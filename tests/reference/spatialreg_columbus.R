# Reference values for the spatial beta-convergence models of resilience:convergence.
# spreg's ML_Lag (SAR), ML_Error (SEM) and ML_Lag(slx_lags=1) (SDM), as the toolkit calls
# them, must equal R spatialreg on a standard data set: Anselin's Columbus crime data
# (spData::columbus, the same 49 neighbourhoods and GAL file that libpysal bundles),
# CRIME ~ INC + HOVAL, queen contiguity (col.gal.nb), row-standardised, eigenvalue method.
#
# spData's col.gal.nb differs from the columbus.gal that libpysal bundles in 6 units, so the
# script also writes the data and the neighbour list it used (columbus.csv, columbus.gal),
# and the Python test reads exactly those.
#
# Run from the repository root:
#   Rscript tests/reference/spatialreg_columbus.R > tests/reference/spatialreg_columbus.csv
# Produced with R 4.2, spdep 1.2-7, spatialreg 1.2-6, spData 2.2.1 (Debian r-cran-* packages).
suppressPackageStartupMessages({
  library(spdep)
  library(spatialreg)
  library(spData)
})
data(columbus, package = "spData")
lw <- nb2listw(col.gal.nb, style = "W")
write.csv(columbus[, c("POLYID", "CRIME", "INC", "HOVAL", "X", "Y")], "tests/reference/columbus.csv",
          row.names = FALSE)
write.nb.gal(col.gal.nb, "tests/reference/columbus.gal", ind = columbus$POLYID)
f <- CRIME ~ INC + HOVAL

emit <- function(model, key, value) {
  cat(sprintf("%s,%s,%.12g\n", model, key, value))
}
coefs <- function(model, fit) {
  s <- summary(fit)
  table <- s$Coef
  for (term in rownames(table)) {
    emit(model, paste0("coef:", term), table[term, 1])
    emit(model, paste0("se:", term), table[term, 2])
  }
  emit(model, "loglik", as.numeric(logLik(fit)))
  emit(model, "sigma2", fit$s2)
}
effects <- function(model, fit) {
  im <- impacts(fit, listw = lw)
  for (i in seq_along(im$direct)) {
    term <- attr(im, "bnames")[i]
    emit(model, paste0("direct:", term), im$direct[i])
    emit(model, paste0("indirect:", term), im$indirect[i])
    emit(model, paste0("total:", term), im$total[i])
  }
}

cat("model,key,value\n")
sar <- lagsarlm(f, data = columbus, listw = lw, method = "eigen")
coefs("sar", sar)
emit("sar", "rho", sar$rho)
emit("sar", "se:rho", sar$rho.se)
effects("sar", sar)

sem <- errorsarlm(f, data = columbus, listw = lw, method = "eigen")
coefs("sem", sem)
emit("sem", "lambda", sem$lambda)
emit("sem", "se:lambda", sem$lambda.se)

sdm <- lagsarlm(f, data = columbus, listw = lw, method = "eigen", Durbin = TRUE)
coefs("sdm", sdm)
emit("sdm", "rho", sdm$rho)
emit("sdm", "se:rho", sdm$rho.se)
effects("sdm", sdm)
