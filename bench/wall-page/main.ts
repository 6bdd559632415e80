import { mount } from 'svelte'
import 'maplibre-gl/dist/maplibre-gl.css'
import BenchWall from './BenchWall.svelte'

// The wall benchmark's page (bench/wall.bench.ts), never part of the product's build.
mount(BenchWall, { target: document.getElementById('app')! })
