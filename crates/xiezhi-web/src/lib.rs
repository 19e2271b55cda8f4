//! 獬豸 web platform (placeholder while dependencies build).
