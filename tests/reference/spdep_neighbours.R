# Reference neighbour lists from R spdep for tests/core/test_weights_spdep.py.
#
# Run from the repository root (R 4.2, spdep 1.2-7, spData 2.2.1, sf; Debian packages
# r-cran-spdep r-cran-spdata r-cran-sf):
#
#     Rscript tests/reference/spdep_neighbours.R
#
# It writes two files beside itself, both committed (CI has no R):
#   spdep_data.gpkg       spData's columbus polygons and baltim points, exactly as R read
#                         them, so that Python reads the very same coordinates;
#   spdep_neighbours.txt  the neighbour lists R computed, one block per case:
#                           ## <case>
#                           ! <key> <value>     (numbers R also computed, e.g. thresholds)
#                           <id>: <neighbour ids in increasing order>
#                         and, for k-nearest neighbours, "<id>~ <distance to each neighbour>".
# Numbers are printed with 17 significant digits (round-trip exact for doubles).
suppressMessages({
  library(sf)
  library(spdep)
})

here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
root <- normalizePath(file.path(here, "..", ".."))
out <- file.path(here, "spdep_neighbours.txt")
gpkg <- file.path(here, "spdep_data.gpkg")

fmt <- function(x) trimws(formatC(x, digits = 17, format = "g"))
lines <- c(sprintf("# written by spdep_neighbours.R with R %s, spdep %s, spData %s, sf %s",
                   getRversion(), packageVersion("spdep"), packageVersion("spData"),
                   packageVersion("sf")))
emit_nb <- function(case, nb, ids, extra = list(), dists = NULL) {
  lines <<- c(lines, paste("##", case))
  for (key in names(extra)) lines <<- c(lines, paste("!", key, fmt(extra[[key]])))
  for (i in seq_along(nb)) {
    members <- nb[[i]]
    members <- members[members != 0]  # spdep codes "no neighbours" as a single 0
    lines <<- c(lines, paste0(ids[i], ":", if (length(members)) " " else "",
                              paste(sort(ids[members]), collapse = " ")))
    if (!is.null(dists) && length(members)) {
      lines <<- c(lines, paste0(ids[i], "~ ", paste(fmt(sort(dists[[i]])), collapse = " ")))
    }
  }
}

# ------------------------------------------------------------------ data sets
columbus <- st_read(system.file("shapes/columbus.shp", package = "spData"), quiet = TRUE)
columbus <- columbus[, c("POLYID")]
baltim <- st_read(system.file("shapes/baltim.shp", package = "spData"), quiet = TRUE)
baltim <- baltim[, c("STATION")]
if (file.exists(gpkg)) file.remove(gpkg)
st_write(columbus, gpkg, layer = "columbus", quiet = TRUE)
st_write(baltim, gpkg, layer = "baltim", quiet = TRUE, append = TRUE)
# Read back: the references are computed on exactly what Python will read.
columbus <- st_read(gpkg, layer = "columbus", quiet = TRUE)
baltim <- st_read(gpkg, layer = "baltim", quiet = TRUE)
china <- st_read(file.path(root, "resources", "sample", "china_cities.gpkg"), layer = "cities", quiet = TRUE)

# ------------------------------------------------------------------ contiguity
for (queen in c(TRUE, FALSE)) {
  kind <- if (queen) "queen" else "rook"
  emit_nb(paste("columbus", kind), poly2nb(columbus, queen = queen), columbus$POLYID)
  emit_nb(paste("china", kind), poly2nb(china, queen = queen), china$adcode)
}
queen_col <- poly2nb(columbus, queen = TRUE)
lags <- nblag(queen_col, maxlag = 3)
emit_nb("columbus queen order 2 exact", lags[[2]], columbus$POLYID)
emit_nb("columbus queen order 3 exact", lags[[3]], columbus$POLYID)
emit_nb("columbus queen order 3 cumulative", nblag_cumul(lags), columbus$POLYID)
china_lags <- nblag(poly2nb(china, queen = TRUE), maxlag = 2)
emit_nb("china queen order 2 exact", china_lags[[2]], china$adcode)
emit_nb("china queen order 2 cumulative", nblag_cumul(china_lags), china$adcode)

# ----------------------------------------------------- k nearest and distance band
points_case <- function(name, xy, ids, ks, thresholds, longlat = FALSE, smallest_list = TRUE) {
  for (k in ks) {
    nb <- knn2nb(knearneigh(xy, k = k, longlat = longlat))
    emit_nb(sprintf("%s knn %d", name, k), nb, ids, dists = nbdists(nb, xy, longlat = longlat))
  }
  nearest <- knn2nb(knearneigh(xy, k = 1, longlat = longlat))
  smallest <- max(unlist(nbdists(nearest, xy, longlat = longlat)))
  # The smallest threshold that gives every unit a neighbour (the list itself is left out
  # where it is huge: in China, Sansha's nearest city is over 1,200 km away).
  nb_smallest <- if (smallest_list) dnearneigh(xy, 0, smallest, longlat = longlat) else list()
  emit_nb(sprintf("%s band smallest", name), nb_smallest, ids, extra = list(threshold = smallest))
  for (d in thresholds) {
    emit_nb(sprintf("%s band %s", name, fmt(d)), dnearneigh(xy, 0, d, longlat = longlat), ids,
            extra = list(threshold = d))
  }
}

columbus_xy <- st_coordinates(st_centroid(st_geometry(columbus)))
lines <- c(lines, "## columbus centroids", paste0(columbus$POLYID, "@ ", fmt(columbus_xy[, 1]), " ",
                                                 fmt(columbus_xy[, 2])))
points_case("columbus", columbus_xy, columbus$POLYID, c(1, 4, 6), c(1.5, 2.5))
points_case("baltim", st_coordinates(baltim), baltim$STATION, c(1, 4, 8), c(12.5, 30.5))

# China: the layer's lon/lat (a point on each city's surface), projected with PROJ to the
# Albers conic the sample uses for areas (planar, metres), and as longitude/latitude.
lonlat <- cbind(china$lon, china$lat)
albers <- "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
china_xy <- st_coordinates(st_transform(st_as_sf(data.frame(lon = china$lon, lat = china$lat),
                                                 coords = c("lon", "lat"), crs = 4326), albers))
lines <- c(lines, "## china albers", paste0(china$adcode, "@ ", fmt(china_xy[, 1]), " ",
                                            fmt(china_xy[, 2])))
points_case("china albers", china_xy, china$adcode, c(4, 6), c(150000, 300000),
            smallest_list = FALSE)
# spdep's longlat = TRUE: great-circle distances in km (not the ellipsoid's geodesics).
points_case("china longlat", lonlat, china$adcode, c(4, 6), c(150, 300), longlat = TRUE,
            smallest_list = FALSE)

writeLines(lines, out, useBytes = TRUE)
cat("wrote", out, "and", gpkg, "\n")
