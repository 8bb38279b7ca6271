# p-values of the least-squares models of resilience:spatialdurbin (OLS and SLX) on columbus,
# from R's lm (t distribution with n − k degrees of freedom), CRIME ~ INC + HOVAL, queen W.
#
#   cd tests/reference && Rscript lm_pvalues.R > lm_pvalues.csv
#
# Produced with R 4.2.2, spdep 1.2-7, spatialreg 1.2-6 (Debian 12: r-cran-spdep, r-cran-spatialreg, r-cran-spdata).
suppressMessages({
  library(spdep)
  library(spatialreg)
  library(spData)
})
data(columbus, package = "spData")
lw <- nb2listw(col.gal.nb, style = "W")
f <- CRIME ~ INC + HOVAL
out <- function(case, fit) {
  table <- summary(fit)$coefficients
  for (term in rownames(table)) {
    cat(sprintf("%s,%s,%.17g,%.17g,%d\n", case, term, table[term, 3], table[term, 4], df.residual(fit)))
  }
}
cat("case,term,t,p,df\n")
out("ols", lm(f, data = columbus))
out("slx", lmSLX(f, data = columbus, listw = lw))
