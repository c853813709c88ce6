/* The two blocks in the editor: previews rendered by the server (no build step). */
( function ( blocks, element, serverSideRender ) {
	var el = element.createElement;
	[
		[ 'innovationsfr/tag-cloud', 'Étiquettes (InnovationsFr Search)', 'tag' ],
		[ 'innovationsfr/related', 'À lire aussi (InnovationsFr Search)', 'list-view' ],
	].forEach( function ( block ) {
		blocks.registerBlockType( block[ 0 ], {
			title: block[ 1 ],
			icon: block[ 2 ],
			category: 'widgets',
			edit: function ( props ) {
				return el( serverSideRender, { block: block[ 0 ], attributes: props.attributes } );
			},
			save: function () {
				return null;
			},
		} );
	} );
} )( window.wp.blocks, window.wp.element, window.wp.serverSideRender );
