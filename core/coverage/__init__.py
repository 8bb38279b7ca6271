"""The core-node coverage model: choose core cities so that every city lies within a
radius (300 km in the study) of a core, solved exactly as an integer programme.

One piece per module:

* :mod:`.sites` — the points that stand for the cities, on the ellipsoid;
* :mod:`.costs` — geodesic city-to-candidate distances in km (sparse within a radius,
  dense for a few cores);
* :mod:`.reduction` — exact set-covering reductions (essential sites, dominated rows
  and columns) that shrink the integer programme before the solver sees it;
* :mod:`.solver` — the mixed-integer solver (HiGHS through highspy): time limit,
  proven optimality, gap, cancel;
* :mod:`.models` — set covering, maximal covering, backup and partial covering;
* :mod:`.assignment` — each city's nearest core, distance and number of covering cores;
* :mod:`.circles` — true geodesic circles of the radius, as polygons;
* :mod:`.layers` — the output tables (cities, cores, circles, links) as GeoDataFrames;
* :mod:`.analysis` — the one entry point the Processing algorithm calls;
* :mod:`.redundancy`, :mod:`.county_target` — network redundancy (N−1) and its coverage targets
  (cities, and a finer county layer).
"""
