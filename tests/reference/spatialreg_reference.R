# Reference values for the spatial econometrics of resilience:spatialdurbin and
# resilience:heterogeneity, from R spatialreg/spdep (independent of the toolkit).
#
#   cd tests/reference && Rscript spatialreg_reference.R > spatialreg_reference.csv
#
# Produced with R 4.2.2, spdep 1.2-7, spatialreg 1.2-6, spData 2.2.1 (Debian 12 packages
# r-cran-spdep, r-cran-spatialreg, r-cran-spdata). It also writes the inputs it used, so the
# Python tests run on exactly the same numbers and neighbours:
#   columbus.csv            spData's columbus (CRIME, INC, HOVAL, X, Y), 49 neighbourhoods
#   columbus_queen.gal      spData's col.gal.nb (the classic GeoDa contiguity file)
#   columbus_knn4.gal       4 nearest neighbours on (X, Y): an asymmetric W (complex eigenvalues)
#   columbus_panel.csv      a simulated 5-year panel on the columbus units (seeded, below)
# Output: one line per value, "case,quantity,value" (17 significant digits).
suppressMessages({
  library(spdep)
  library(spatialreg)
  library(spData)
})
options(digits = 17)
data(columbus, package = "spData")
out <- function(case, name, value) {
  for (i in seq_along(value)) {
    label <- if (length(value) > 1) paste0(name, "[", names(value)[i], "]") else name
    cat(sprintf("%s,%s,%.17g\n", case, label, value[[i]]))
  }
}
cat("case,quantity,value\n")

write.csv(data.frame(POLYID = columbus$POLYID, CRIME = columbus$CRIME, INC = columbus$INC,
                     HOVAL = columbus$HOVAL, X = columbus$X, Y = columbus$Y),
          "columbus.csv", row.names = FALSE)
queen <- col.gal.nb
write.nb.gal(queen, "columbus_queen.gal")
knn4 <- knn2nb(knearneigh(cbind(columbus$X, columbus$Y), k = 4))
write.nb.gal(knn4, "columbus_knn4.gal")
lw <- nb2listw(queen, style = "W")
lw_knn <- nb2listw(knn4, style = "W")
f <- CRIME ~ INC + HOVAL

# ---------------------------------------------------------------- cross-section
report_sarlm <- function(case, fit) {
  s <- summary(fit)
  out(case, "coef", coef(fit))
  out(case, "se", setNames(s$rest.se, names(fit$coefficients)))
  if (!is.null(fit$rho)) { out(case, "rho", fit$rho); out(case, "rho_se", fit$rho.se) }
  if (!is.null(fit$lambda)) { out(case, "lambda", fit$lambda); out(case, "lambda_se", fit$lambda.se) }
  out(case, "sigma2", fit$s2)
  out(case, "loglik", as.numeric(logLik(fit)))
  out(case, "aic", AIC(fit))
}
report_impacts <- function(case, imp) {
  values <- if (inherits(imp, "WXimpact")) imp$impacts else imp
  out(case, "direct", setNames(values$direct, attr(imp, "bnames")))
  out(case, "indirect", setNames(values$indirect, attr(imp, "bnames")))
  out(case, "total", setNames(values$total, attr(imp, "bnames")))
}

ols <- lm(f, data = columbus)
out("ols", "coef", coef(ols))
out("ols", "se", summary(ols)$coefficients[, 2])
out("ols", "loglik", as.numeric(logLik(ols)))
out("ols", "r2", summary(ols)$r.squared)
lm_tests <- lm.LMtests(ols, lw, test = c("LMerr", "LMlag", "RLMerr", "RLMlag", "SARMA"))
for (name in names(lm_tests)) {
  out("ols_lm", name, lm_tests[[name]]$statistic)
  out("ols_lm", paste0(name, "_p"), lm_tests[[name]]$p.value)
}

sar <- lagsarlm(f, data = columbus, listw = lw, method = "eigen")
report_sarlm("sar", sar)
report_impacts("sar_impacts", impacts(sar, listw = lw))

sem <- errorsarlm(f, data = columbus, listw = lw, method = "eigen")
report_sarlm("sem", sem)

sdm <- lagsarlm(f, data = columbus, listw = lw, Durbin = TRUE, method = "eigen")
report_sarlm("sdm", sdm)
report_impacts("sdm_impacts", impacts(sdm, listw = lw))
# Simulated inference on the impacts: 20,000 draws from the estimates' asymptotic normal
# distribution; the standard errors are compared with the toolkit's own simulation at a
# Monte-Carlo tolerance (different random streams).
set.seed(20111)
sdm_sim <- summary(impacts(sdm, listw = lw, R = 20000), zstats = TRUE, short = TRUE)
out("sdm_impacts_sim", "se_direct", setNames(sdm_sim$semat[, "Direct"], rownames(sdm_sim$semat)))
out("sdm_impacts_sim", "se_indirect", setNames(sdm_sim$semat[, "Indirect"], rownames(sdm_sim$semat)))
out("sdm_impacts_sim", "se_total", setNames(sdm_sim$semat[, "Total"], rownames(sdm_sim$semat)))

sdem <- errorsarlm(f, data = columbus, listw = lw, Durbin = TRUE, method = "eigen")
report_sarlm("sdem", sdem)
# SDEM and SLX impacts are linear in the coefficients: their standard errors come from the
# ML covariance ("estimable, n" in spatialreg's summary), no simulation.
sdem_imp <- summary(impacts(sdem), short = TRUE)
report_impacts("sdem_impacts", impacts(sdem))
out("sdem_impacts", "se_direct", setNames(sdem_imp$semat[, "Direct"], rownames(sdem_imp$semat)))
out("sdem_impacts", "se_indirect", setNames(sdem_imp$semat[, "Indirect"], rownames(sdem_imp$semat)))
out("sdem_impacts", "se_total", setNames(sdem_imp$semat[, "Total"], rownames(sdem_imp$semat)))

slx <- lmSLX(f, data = columbus, listw = lw)
out("slx", "coef", coef(slx))
out("slx", "se", summary(slx)$coefficients[, 2])
out("slx", "loglik", as.numeric(logLik(slx)))
report_impacts("slx_impacts", impacts(slx))

# Likelihood-ratio tests of the spatial Durbin model against its restrictions.
out("lr", "sdm_vs_sar", LR.Sarlm(sdm, sar)$statistic)
out("lr", "sdm_vs_sar_p", LR.Sarlm(sdm, sar)$p.value)
out("lr", "sdm_vs_sem", LR.Sarlm(sdm, sem)$statistic)
out("lr", "sdm_vs_sem_p", LR.Sarlm(sdm, sem)$p.value)
out("lr", "sdem_vs_sem", LR.Sarlm(sdem, sem)$statistic)
out("lr", "sar_vs_ols", LR1.Sarlm(sar)$statistic)

# An asymmetric W (4 nearest neighbours): complex eigenvalues in the log-determinant.
sdm_knn <- lagsarlm(f, data = columbus, listw = lw_knn, Durbin = TRUE, method = "eigen")
report_sarlm("sdm_knn", sdm_knn)
report_impacts("sdm_knn_impacts", impacts(sdm_knn, listw = lw_knn))
sem_knn <- errorsarlm(f, data = columbus, listw = lw_knn, method = "eigen")
report_sarlm("sem_knn", sem_knn)

# ---------------------------------------------------------------- panel (direct approach)
# Fixed effects by dummy variables on the stacked panel (years stacked, W block-diagonal):
# the ML estimates of rho, beta, theta and sigma^2 = SSR / NT equal Elhorst's demeaning
# ("direct approach") before any Lee-Yu correction, so they check the demeaned estimator.
set.seed(7)
n <- nrow(columbus); years <- 2015:2019; nT <- n * length(years)
W <- listw2mat(lw)
unit <- rep(seq_len(n), times = length(years))
year <- rep(years, each = n)
x1 <- rnorm(nT) + rep(rnorm(n), times = length(years))
x2 <- rnorm(nT) + 0.5 * rep(seq_along(years), each = n)
alpha <- rep(rnorm(n), times = length(years))
gamma <- rep(rnorm(length(years)), each = n)
BW <- kronecker(diag(length(years)), W)
xb <- 1.0 * x1 - 0.5 * x2 + 0.4 * (BW %*% x1)[, 1] + 0.2 * (BW %*% x2)[, 1]
y <- solve(diag(nT) - 0.35 * BW, xb + alpha + gamma + rnorm(nT))
panel <- data.frame(unit = columbus$POLYID[unit], year = year, y = y, x1 = x1, x2 = x2)
write.csv(panel, "columbus_panel.csv", row.names = FALSE)
panel$unit_f <- factor(panel$unit)
panel$year_f <- factor(panel$year)
lw_panel <- mat2listw(BW, style = "W")

sdm_tw <- lagsarlm(y ~ x1 + x2 + unit_f + year_f, data = panel, listw = lw_panel,
                   Durbin = ~ x1 + x2, method = "eigen")
out("panel_sdm_twoway", "rho", sdm_tw$rho)
out("panel_sdm_twoway", "coef", coef(sdm_tw)[c("x1", "x2", "lag.x1", "lag.x2")])
out("panel_sdm_twoway", "sigma2", sdm_tw$s2)
out("panel_sdm_twoway", "loglik", as.numeric(logLik(sdm_tw)))
sar_unit <- lagsarlm(y ~ x1 + x2 + unit_f, data = panel, listw = lw_panel, method = "eigen")
out("panel_sar_unit", "rho", sar_unit$rho)
out("panel_sar_unit", "coef", coef(sar_unit)[c("x1", "x2")])
out("panel_sar_unit", "sigma2", sar_unit$s2)
out("panel_sar_unit", "loglik", as.numeric(logLik(sar_unit)))
sem_unit <- errorsarlm(y ~ x1 + x2 + unit_f, data = panel, listw = lw_panel, method = "eigen")
out("panel_sem_unit", "lambda", sem_unit$lambda)
out("panel_sem_unit", "coef", coef(sem_unit)[c("x1", "x2")])
out("panel_sem_unit", "sigma2", sem_unit$s2)
out("panel_sem_unit", "loglik", as.numeric(logLik(sem_unit)))
sdem_tw <- errorsarlm(y ~ x1 + x2 + unit_f + year_f, data = panel, listw = lw_panel,
                      Durbin = ~ x1 + x2, method = "eigen")
out("panel_sdem_twoway", "lambda", sdem_tw$lambda)
out("panel_sdem_twoway", "coef", coef(sdem_tw)[c("x1", "x2", "lag.x1", "lag.x2")])
out("panel_sdem_twoway", "sigma2", sdem_tw$s2)
out("panel_sdem_twoway", "loglik", as.numeric(logLik(sdem_tw)))

# LM tests on the stacked panel: pooled OLS, and OLS with two-way dummies (= the demeaned
# panel statistics of Anselin, Le Gallo and Jayet 2008 / Elhorst 2014).
lm_names <- c("LMerr", "LMlag", "RLMerr", "RLMlag", "SARMA")
ols_pooled <- lm(y ~ x1 + x2, data = panel)
pooled_tests <- lm.LMtests(ols_pooled, lw_panel, test = lm_names)
for (name in names(pooled_tests)) out("panel_lm_pooled", name, pooled_tests[[name]]$statistic)
ols_tw <- lm(y ~ x1 + x2 + unit_f + year_f, data = panel)
tw_tests <- lm.LMtests(ols_tw, lw_panel, test = lm_names)
for (name in names(tw_tests)) out("panel_lm_twoway", name, tw_tests[[name]]$statistic)
out("panel_ols_twoway", "coef", coef(ols_tw)[c("x1", "x2")])
out("panel_ols_twoway", "se", summary(ols_tw)$coefficients[c("x1", "x2"), 2])
out("panel_ols_twoway", "loglik", as.numeric(logLik(ols_tw)))
