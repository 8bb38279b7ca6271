# Reference values for the autocorrelation statistics (issue 5), from R spdep.
#
# Run from the repository root (R 4.2, spdep 1.2-7, spData 2.2.1, sf; Debian's r-cran-* packages):
#     Rscript tests/reference/autocorrelation/spdep_autocorrelation.R
# It writes, beside itself:
#   columbus.csv            the Columbus data (spData's columbus.shp attributes, 49 neighbourhoods)
#   columbus_queen.gal      queen contiguity of columbus.shp (poly2nb, queen = TRUE)
#   columbus_knn4_idw.gwt   4 nearest neighbours (X, Y) with inverse-distance weights 1/d (not symmetric)
#   china_queen.gal         queen contiguity of resources/sample/china_cities.gpkg (poly2nb; 1 island)
#   spdep_values.csv        every value the tests compare with: case,quantity,i,value (17 digits)
# CI has no R: the tests read these files. Values are printed with 17 significant digits.
suppressMessages({library(spdep); library(sf)})
options(digits = 17)
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
root <- normalizePath(file.path(here, "..", "..", ".."))

rows <- list()
put <- function(case, quantity, values) {
  values <- as.numeric(values)
  i <- if (length(values) == 1L) 0L else seq_along(values)
  rows[[length(rows) + 1L]] <<- data.frame(case = case, quantity = quantity, i = i,
                                           value = trimws(formatC(values, digits = 17, format = "g")))
}
put_htest <- function(case, test) {
  put(case, "statistic", test$estimate[[1]])
  put(case, "expectation", test$estimate[[2]])
  put(case, "variance", test$estimate[[3]])
  put(case, "z", test$statistic)
  put(case, "p", test$p.value)
}
write_gwt <- function(listw, ids, path) {
  lines <- c(sprintf("0 %d columbus POLYID", length(ids)))
  for (i in seq_along(listw$neighbours)) {
    for (k in seq_along(listw$neighbours[[i]])) {
      j <- listw$neighbours[[i]][k]
      lines <- c(lines, sprintf("%s %s %.17g", ids[i], ids[j], listw$weights[[i]][k]))
    }
  }
  writeLines(lines, path)
}

# ------------------------------------------------------------------ Columbus
columbus <- st_read(system.file("shapes/columbus.shp", package = "spData"), quiet = TRUE)
write.csv(st_drop_geometry(columbus)[, c("POLYID", "CRIME", "INC", "HOVAL", "X", "Y")],
          file.path(here, "columbus.csv"), row.names = FALSE)
ids <- as.character(columbus$POLYID)
queen <- poly2nb(columbus, queen = TRUE)
attr(queen, "region.id") <- ids
write.nb.gal(queen, file.path(here, "columbus_queen.gal"), oldstyle = FALSE, shpfile = "columbus",
             ind = "POLYID")
knn4 <- knn2nb(knearneigh(cbind(columbus$X, columbus$Y), k = 4))
idw <- lapply(nbdists(knn4, cbind(columbus$X, columbus$Y)), function(d) 1 / d)
write_gwt(nb2listw(knn4, glist = idw, style = "B", zero.policy = TRUE) |> (\(l) {l$weights <- idw; l})(),
          ids, file.path(here, "columbus_knn4_idw.gwt"))

weights <- list(
  queen_W = nb2listw(queen, style = "W"),
  queen_B = nb2listw(queen, style = "B"),
  idw_W = nb2listw(knn4, glist = idw, style = "W")
)
crime <- columbus$CRIME
inc <- columbus$INC
hoval <- columbus$HOVAL
for (wname in names(weights)) {
  lw <- weights[[wname]]
  for (alt in c("greater", "two.sided")) {
    for (rnd in c(TRUE, FALSE)) {
      put_htest(sprintf("columbus/%s/CRIME/moran/%s/%s", wname, ifelse(rnd, "randomisation", "normality"), alt),
                moran.test(crime, lw, randomisation = rnd, alternative = alt))
      put_htest(sprintf("columbus/%s/CRIME/geary/%s/%s", wname, ifelse(rnd, "randomisation", "normality"), alt),
                geary.test(crime, lw, randomisation = rnd, alternative = alt))
    }
    put_htest(sprintf("columbus/%s/CRIME/getisord/randomisation/%s", wname, alt),
              globalG.test(crime, lw, alternative = alt))
  }
  for (cond in c(TRUE, FALSE)) {
    lm <- localmoran(crime, lw, conditional = cond, alternative = "two.sided")
    case <- sprintf("columbus/%s/CRIME/localmoran/%s", wname, ifelse(cond, "conditional", "total"))
    put(case, "Ii", lm[, 1]); put(case, "E.Ii", lm[, 2]); put(case, "Var.Ii", lm[, 3])
    put(case, "Z.Ii", lm[, 4]); put(case, "p", lm[, 5])
  }
  lg <- localG(crime, lw, return_internals = TRUE)
  case <- sprintf("columbus/%s/CRIME/localG", wname)
  put(case, "G", attr(lg, "internals")[, 1]); put(case, "Z", as.numeric(lg))
  put(case, "p", attr(lg, "internals")[, 5])
  lc <- localC(crime, lw)
  put(sprintf("columbus/%s/CRIME/localC", wname), "C", lc)
  bv <- localmoran_bv(crime, inc, lw, nsim = 9)
  put(sprintf("columbus/%s/CRIME~INC/localmoran_bv", wname), "Ibvi", bv[, 1])
  put(sprintf("columbus/%s/CRIME~INC/moran_bv", wname), "I", moran_bv(crime, inc, lw, nsim = 9)$t0)
  lm <- localmoran(hoval, lw)
  put(sprintf("columbus/%s/HOVAL/localmoran/conditional", wname), "Z.Ii", lm[, 4])
}
# Gi*: the focal unit among its own neighbours (self weight 1, then the style).
for (style in c("B", "W")) {
  lw <- nb2listw(include.self(queen), style = style)
  lg <- localG(crime, lw, return_internals = TRUE)
  case <- sprintf("columbus/queen_%s/CRIME/localGstar", style)
  put(case, "G", attr(lg, "internals")[, 1]); put(case, "Z", as.numeric(lg))
  put(case, "p", attr(lg, "internals")[, 5])
}

# ------------------------------------------------ China's cities (with an island)
cities <- st_read(file.path(root, "resources/sample/china_cities.gpkg"), layer = "cities", quiet = TRUE)
latent <- read.csv(file.path(root, "resources/sample/synthetic_latent.csv"))
china <- poly2nb(cities, queen = TRUE)
attr(china, "region.id") <- as.character(cities$adcode)
write.nb.gal(china, file.path(here, "china_queen.gal"), oldstyle = FALSE, shpfile = "china_cities",
             ind = "adcode")
put("china/queen", "islands", which(card(china) == 0L))
invisible(set.ZeroPolicyOption(TRUE))
lw <- nb2listw(china, style = "W", zero.policy = TRUE)
lb <- nb2listw(china, style = "B", zero.policy = TRUE)
for (year in c(2011, 2019)) {
  d <- latent[latent$year == year, ]
  d <- d[match(cities$adcode, d$adcode), ]
  dei <- d$digital_economy
  res <- d$resilience
  put_htest(sprintf("china/queen_W/DEI_%d/moran/randomisation/two.sided", year),
            moran.test(dei, lw, alternative = "two.sided", zero.policy = TRUE))
  put_htest(sprintf("china/queen_W/DEI_%d/moran/normality/two.sided", year),
            moran.test(dei, lw, randomisation = FALSE, alternative = "two.sided", zero.policy = TRUE))
  put_htest(sprintf("china/queen_W/DEI_%d/geary/randomisation/two.sided", year),
            geary.test(dei, lw, alternative = "two.sided", zero.policy = TRUE))
  put_htest(sprintf("china/queen_B/DEI_%d/getisord/randomisation/two.sided", year),
            globalG.test(dei, lb, alternative = "two.sided", zero.policy = TRUE))
  lm <- localmoran(dei, lw, zero.policy = TRUE)
  case <- sprintf("china/queen_W/DEI_%d/localmoran/conditional", year)
  put(case, "Ii", lm[, 1]); put(case, "Z.Ii", lm[, 4])
  lg <- localG(dei, lw, zero.policy = TRUE)
  put(sprintf("china/queen_W/DEI_%d/localG", year), "Z", as.numeric(lg))
  # moran_bv refuses islands: the bivariate reference drops the island (data and weights).
  keep <- card(china) > 0L
  put(sprintf("china/queen_W/DEI_%d~RES_%d/moran_bv", year, year), "I",
      moran_bv(dei[keep], res[keep], nb2listw(subset(china, keep), style = "W"), nsim = 9)$t0)
}

values <- do.call(rbind, rows)
write.csv(values, file.path(here, "spdep_values.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("%s (%s): %d values\n", R.version.string, paste("spdep", packageVersion("spdep")), nrow(values)))
scalars <- values[values$i == 0L, ]
cat(sprintf("%-58s %-12s %s\n", scalars$case, scalars$quantity, scalars$value), sep = "")
