"""Reference data: CPV 2008 vocabulary and hierarchy, postcode and postcode-district centroids."""
