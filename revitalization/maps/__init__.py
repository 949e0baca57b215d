"""Everything about maps, in the order a map is made.

- ``measures``: what a map can be coloured by, its values per unit and the map frame
  (value, label, tooltip per unit) every renderer draws from;
- ``bins``: how values are binned into colours and what the legend says;
- ``choropleth``: the plotly maps (province, city, small multiples, locator);
- ``leaflet``: the zoomable folium map with the same bins and colours;
- ``layers``: the boundary layers (GeoJSON in ``geo/``, static copies for the browser).
"""
